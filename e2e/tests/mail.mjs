// Reading what the server "sent": the outbox's .eml files in the e2e data dir.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** The link in the newest mail to `to`. Bodies are quoted-printable: soft breaks and =XX undone. */
export function linkFromMail(to) {
  const dir = join(process.env.CHATSUPPORT_DATA_DIR, "outbox");
  const mails = readdirSync(dir)
    .filter((name) => name.endsWith(".eml"))
    .sort()
    .map((name) => readFileSync(join(dir, name), "utf8"))
    .map((eml) => eml.replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/g, (_, hex) => String.fromCharCode(parseInt(hex, 16))))
    .filter((eml) => eml.includes(`To: ${to}`));
  const link = mails.at(-1)?.match(/https?:\/\/\S+token=[0-9a-f]+/);
  if (!link) throw new Error(`no link in a mail to ${to}`);
  return link[0];
}
