//! all-MiniLM-L6-v2 on the CPU: the `BertModel` of its `model.safetensors` (6 layers, 384
//! wide, 12 heads), run by hand with ndarray's matrix products, its `tokenizer.json` read by
//! `tokenizers`, mean-pooled over the real tokens and L2-normalised — what
//! sentence-transformers computes. Texts embedded together are stacked (see
//! [`MiniLm::embed_batch`]): no padding, so no work is wasted on pad tokens; at most
//! [`MAX_TOKENS`] word pieces each, the most the model reads.

use std::path::Path;

use anyhow::{Context, anyhow, bail};
use ndarray::{Array1, Array2, ArrayView2, Axis, Slice};
use safetensors::SafeTensors;
use tokenizers::{Tokenizer, TruncationParams};

/// Word pieces the model reads at most (with `[CLS]` and `[SEP]`); the rest is cut off.
pub const MAX_TOKENS: usize = 256;
pub const DIMS: usize = 384;
const HEADS: usize = 12;
const LAYER_NORM_EPS: f32 = 1e-12;

/// The files the model needs, by name, with their sha256 (the setup checks the same).
pub const FILES: [(&str, &str); 2] = [
    ("model.safetensors", "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"),
    ("tokenizer.json", "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"),
];

struct Linear {
    /// `[out, in]`, as stored.
    weight: Array2<f32>,
    bias: Array1<f32>,
}

impl Linear {
    fn forward(&self, x: &ArrayView2<f32>) -> Array2<f32> {
        x.dot(&self.weight.t()) + &self.bias
    }
}

struct Norm {
    weight: Array1<f32>,
    bias: Array1<f32>,
}

impl Norm {
    fn apply(&self, x: &mut Array2<f32>) {
        for mut row in x.rows_mut() {
            let n = row.len() as f32;
            let mean = row.sum() / n;
            let var = row.iter().map(|v| (v - mean) * (v - mean)).sum::<f32>() / n;
            let inv = 1.0 / (var + LAYER_NORM_EPS).sqrt();
            for ((v, w), b) in row.iter_mut().zip(&self.weight).zip(&self.bias) {
                *v = (*v - mean) * inv * w + b;
            }
        }
    }
}

struct Layer {
    query: Linear,
    key: Linear,
    value: Linear,
    attention_out: Linear,
    attention_norm: Norm,
    intermediate: Linear,
    output: Linear,
    output_norm: Norm,
}

pub struct MiniLm {
    tokenizer: Tokenizer,
    /// The same tokenizer without the cut, to measure passages by (`knowledge::chunking`).
    sizer: std::sync::Arc<Tokenizer>,
    word: Array2<f32>,
    position: Array2<f32>,
    token_type: Array2<f32>,
    embeddings_norm: Norm,
    layers: Vec<Layer>,
}

impl MiniLm {
    /// Reads the model from `dir` (`model.safetensors`, `tokenizer.json`).
    pub fn load(dir: &Path) -> anyhow::Result<Self> {
        let mut tokenizer = Tokenizer::from_file(dir.join("tokenizer.json"))
            .map_err(|e| anyhow!("reading {}: {e}", dir.join("tokenizer.json").display()))?;
        // The file turns padding to 128 on: pooled over pads, every vector would be wrong.
        tokenizer.with_padding(None);
        let mut sizer = tokenizer.clone();
        sizer.with_truncation(None).map_err(|e| anyhow!("turning the tokenizer's cut off: {e}"))?;
        tokenizer
            .with_truncation(Some(TruncationParams { max_length: MAX_TOKENS, ..Default::default() }))
            .map_err(|e| anyhow!("setting the tokenizer's truncation: {e}"))?;
        let path = dir.join("model.safetensors");
        let bytes = std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
        let tensors =
            SafeTensors::deserialize(&bytes).with_context(|| format!("parsing {}", path.display()))?;
        let matrix = |name: &str| -> anyhow::Result<Array2<f32>> {
            let t = tensors.tensor(name).with_context(|| format!("tensor {name}"))?;
            if t.dtype() != safetensors::Dtype::F32 || t.shape().len() != 2 {
                bail!("tensor {name} is {:?} {:?}, not a 2-d f32", t.dtype(), t.shape());
            }
            let values =
                t.data().chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect();
            Ok(Array2::from_shape_vec((t.shape()[0], t.shape()[1]), values)?)
        };
        let vector = |name: &str| -> anyhow::Result<Array1<f32>> {
            let t = tensors.tensor(name).with_context(|| format!("tensor {name}"))?;
            if t.dtype() != safetensors::Dtype::F32 || t.shape().len() != 1 {
                bail!("tensor {name} is {:?} {:?}, not a 1-d f32", t.dtype(), t.shape());
            }
            Ok(t.data().chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect())
        };
        let linear = |name: &str| -> anyhow::Result<Linear> {
            Ok(Linear { weight: matrix(&format!("{name}.weight"))?, bias: vector(&format!("{name}.bias"))? })
        };
        let norm = |name: &str| -> anyhow::Result<Norm> {
            Ok(Norm { weight: vector(&format!("{name}.weight"))?, bias: vector(&format!("{name}.bias"))? })
        };
        let layers = (0..6)
            .map(|i| {
                let p = format!("encoder.layer.{i}");
                Ok(Layer {
                    query: linear(&format!("{p}.attention.self.query"))?,
                    key: linear(&format!("{p}.attention.self.key"))?,
                    value: linear(&format!("{p}.attention.self.value"))?,
                    attention_out: linear(&format!("{p}.attention.output.dense"))?,
                    attention_norm: norm(&format!("{p}.attention.output.LayerNorm"))?,
                    intermediate: linear(&format!("{p}.intermediate.dense"))?,
                    output: linear(&format!("{p}.output.dense"))?,
                    output_norm: norm(&format!("{p}.output.LayerNorm"))?,
                })
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        let model = Self {
            tokenizer,
            sizer: std::sync::Arc::new(sizer),
            word: matrix("embeddings.word_embeddings.weight")?,
            position: matrix("embeddings.position_embeddings.weight")?,
            token_type: matrix("embeddings.token_type_embeddings.weight")?,
            embeddings_norm: norm("embeddings.LayerNorm")?,
            layers,
        };
        if model.word.ncols() != DIMS || model.position.nrows() < MAX_TOKENS {
            bail!("{} is not all-MiniLM-L6-v2 (hidden size {})", path.display(), model.word.ncols());
        }
        Ok(model)
    }

    /// How many word pieces `text` is (before the cut at [`MAX_TOKENS`]).
    pub fn count_tokens(&self, text: &str) -> usize {
        self.sizer.encode_fast(text, false).map(|e| e.len()).unwrap_or(0)
    }

    /// The tokenizer without the cut at [`MAX_TOKENS`], to measure text by.
    pub fn sizer(&self) -> std::sync::Arc<Tokenizer> {
        self.sizer.clone()
    }

    /// The unit vector of `text`.
    pub fn embed(&self, text: &str) -> anyhow::Result<Vec<f32>> {
        self.embed_batch(&[text])?.pop().ok_or_else(|| anyhow!("nothing to embed"))
    }

    /// The unit vector of each text, in order, in one pass: the texts' word pieces are
    /// stacked into one matrix, so every dense layer is one matrix product over all of them
    /// (a product of 10 rows uses the cores far worse than one of 200), and attention runs
    /// within each text's rows — no padding, so no work on pad tokens.
    pub fn embed_batch(&self, texts: &[&str]) -> anyhow::Result<Vec<Vec<f32>>> {
        let mut spans = Vec::with_capacity(texts.len());
        let mut pieces: Vec<(usize, usize, usize)> = Vec::new(); // (word id, position, type)
        for text in texts {
            let encoding = self.tokenizer.encode(*text, true).map_err(|e| anyhow!("tokenizing: {e}"))?;
            let ids = encoding.get_ids();
            let types = encoding.get_type_ids();
            let n = ids.len().min(MAX_TOKENS);
            if n == 0 {
                bail!("nothing to embed");
            }
            spans.push(pieces.len()..pieces.len() + n);
            for (i, id) in ids.iter().take(n).enumerate() {
                pieces.push((*id as usize, i, types.get(i).copied().unwrap_or(0) as usize));
            }
        }
        let mut h = Array2::<f32>::zeros((pieces.len(), DIMS));
        for (mut row, &(id, position, ty)) in h.rows_mut().into_iter().zip(&pieces) {
            if id >= self.word.nrows() || ty >= self.token_type.nrows() {
                bail!("token {id} is outside the vocabulary");
            }
            row.assign(&self.word.row(id));
            row += &self.position.row(position);
            row += &self.token_type.row(ty);
        }
        self.embeddings_norm.apply(&mut h);
        for layer in &self.layers {
            h = layer.forward(h, &spans);
        }
        spans
            .into_iter()
            .map(|span| {
                let mut pooled = h
                    .slice_axis(Axis(0), Slice::from(span))
                    .mean_axis(Axis(0))
                    .ok_or_else(|| anyhow!("nothing to embed"))?;
                let length = pooled.dot(&pooled).sqrt();
                if length > 0.0 {
                    pooled /= length;
                }
                Ok(pooled.to_vec())
            })
            .collect()
    }
}

impl Layer {
    /// One layer over stacked texts; `spans` are each text's rows (attention stays within).
    fn forward(&self, h: Array2<f32>, spans: &[std::ops::Range<usize>]) -> Array2<f32> {
        let x = h.view();
        let q = self.query.forward(&x);
        let k = self.key.forward(&x);
        let v = self.value.forward(&x);
        let width = DIMS / HEADS;
        let scale = 1.0 / (width as f32).sqrt();
        let mut context = Array2::<f32>::zeros(h.raw_dim());
        for span in spans {
            let rows = Slice::from(span.clone());
            let (q, k, v) =
                (q.slice_axis(Axis(0), rows), k.slice_axis(Axis(0), rows), v.slice_axis(Axis(0), rows));
            for head in 0..HEADS {
                // (`s![]` expands to code that allows `unsafe`, which this crate forbids.)
                let cols = Slice::from(head * width..(head + 1) * width);
                let mut scores = q.slice_axis(Axis(1), cols).dot(&k.slice_axis(Axis(1), cols).t()) * scale;
                for mut row in scores.rows_mut() {
                    let max = row.fold(f32::NEG_INFINITY, |m, &v| m.max(v));
                    row.mapv_inplace(|v| (v - max).exp());
                    let sum = row.sum();
                    row /= sum;
                }
                context
                    .slice_axis_mut(Axis(0), rows)
                    .slice_axis_mut(Axis(1), cols)
                    .assign(&scores.dot(&v.slice_axis(Axis(1), cols)));
            }
        }
        let mut attended = self.attention_out.forward(&context.view()) + &h;
        self.attention_norm.apply(&mut attended);
        let mut inner = self.intermediate.forward(&attended.view());
        // BERT's exact GELU.
        inner.mapv_inplace(|v| 0.5 * v * (1.0 + libm::erff(v / std::f32::consts::SQRT_2)));
        let mut out = self.output.forward(&inner.view()) + &attended;
        self.output_norm.apply(&mut out);
        out
    }
}
