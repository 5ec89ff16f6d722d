//! `chatsupport`: serve (default) or precompress assets.

use chatsupport::{
    Application,
    config::{Cli, Command},
};
use clap::Parser;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tantivy=warn")),
        )
        .init();
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Assets { site_dir }) => {
            if let Some(bundles) = chatsupport::http::assets::fingerprint(&site_dir)? {
                for area in app::Area::ALL {
                    println!("dashboard bundle ({area:?}): /pkg/{}.js", bundles.script(area));
                }
                println!("stylesheet: /pkg/{}", bundles.stylesheet);
            }
            let sizes = chatsupport::http::assets::precompress(&site_dir)?;
            println!("| asset | raw bytes | gzip bytes | brotli bytes |\n|---|---:|---:|---:|");
            for s in sizes {
                println!("| {} | {} | {} | {} |", s.path.display(), s.raw, s.gzip, s.brotli);
            }
            Ok(())
        }
        Some(Command::Reindex { embed_all, config }) => {
            let done = chatsupport::startup::reindex(config, embed_all).await?;
            println!(
                "reindexed: {} knowledge passages ({} newly embedded), {} messages, {} conversations",
                done.passages, done.embedded, done.messages, done.conversations
            );
            Ok(())
        }
        Some(Command::Serve(config)) => serve(config).await,
        None => serve(cli.serve).await,
    }
}

async fn serve(config: chatsupport::Config) -> anyhow::Result<()> {
    tracing::info!(data_dir = %config.data_dir.display(), site_dir = %config.site_dir.display(), "starting");
    let app = Application::build(config).await?;
    println!("ChatSupport is serving on http://{}", app.address());
    app.run_until_stopped().await?;
    Ok(())
}
