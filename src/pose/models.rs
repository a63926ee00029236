//! The shipped model files: where they are, what they must be, and loading them with a clear error when they are
//! not.

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use sha2::{Digest, Sha256};
use thiserror::Error;

use super::engine::{DType, Engine, EngineError, InferenceSession, TensorSig};

/// One ONNX file mirrorcue ships.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ModelFile {
    /// MoveNet SinglePose Lightning (192×192).
    MovenetLightning,
    /// MoveNet SinglePose Thunder (256×256).
    MovenetThunder,
    /// BlazePose person detector (224×224).
    BlazeposeDetector,
    /// BlazePose landmark model, lite (256×256).
    BlazeposeLandmarkLite,
    /// BlazePose landmark model, full (256×256).
    BlazeposeLandmarkFull,
    /// BlazePose landmark model, heavy (256×256): the most accurate and slowest.
    BlazeposeLandmarkHeavy,
    /// MediaPipe Hands palm detector, full (192×192); see `crate::hands`.
    PalmDetectionFull,
    /// MediaPipe Hands landmark model, full (224×224): 21 landmarks, world landmarks, presence, handedness.
    HandLandmarkFull,
}

/// What a shipped file must be.
#[derive(Clone, Copy, Debug)]
pub struct ModelSpec {
    /// File name inside the models folder.
    pub file: &'static str,
    /// What it is, for people.
    pub title: &'static str,
    /// Size in bytes.
    pub bytes: u64,
    /// SHA-256 of the file, lower-case hex.
    pub sha256: &'static str,
    /// Input name.
    pub input: &'static str,
    /// Input type.
    pub input_dtype: DType,
    /// Input shape.
    pub input_shape: [usize; 4],
    /// Output names, in the model's order.
    pub outputs: &'static [&'static str],
}

impl ModelFile {
    /// The spec of this file (sizes and checksums from `models/README.md`).
    pub fn spec(self) -> ModelSpec {
        match self {
            ModelFile::MovenetLightning => ModelSpec {
                file: "movenet_lightning.onnx",
                title: "MoveNet SinglePose Lightning v4",
                bytes: 9_319_284,
                sha256: "d0627247cac36ada33fe66a47bf956110d500733483a4ffb9ef3b95b9502a150",
                input: "input:0",
                input_dtype: DType::I32,
                input_shape: [1, 192, 192, 3],
                outputs: &["Identity:0"],
            },
            ModelFile::MovenetThunder => ModelSpec {
                file: "movenet_thunder.onnx",
                title: "MoveNet SinglePose Thunder v4",
                bytes: 24_973_123,
                sha256: "e0c0868df27c78a28530111b6af3a47beb3681bdf41fecc9163744356a99e83d",
                input: "input:0",
                input_dtype: DType::I32,
                input_shape: [1, 256, 256, 3],
                outputs: &["Identity:0"],
            },
            ModelFile::BlazeposeDetector => ModelSpec {
                file: "pose_detection.onnx",
                title: "BlazePose person detector",
                bytes: 11_876_603,
                sha256: "f7d7bfab9598d7d18f82e8e006d2792a559bf6ff81b8b6a78919dd418762916e",
                input: "input_1",
                input_dtype: DType::F32,
                input_shape: [1, 224, 224, 3],
                outputs: &["Identity", "Identity_1"],
            },
            ModelFile::BlazeposeLandmarkLite => ModelSpec {
                file: "pose_landmark_lite.onnx",
                title: "BlazePose landmark model (lite)",
                bytes: 5_472_900,
                sha256: "d5024543992cceff201d76e03880ff55681c9c91df28c8da5603608391a8f66f",
                input: "input_1",
                input_dtype: DType::F32,
                input_shape: [1, 256, 256, 3],
                outputs: &["Identity", "Identity_1", "Identity_2", "Identity_3", "Identity_4"],
            },
            ModelFile::BlazeposeLandmarkFull => ModelSpec {
                file: "pose_landmark_full.onnx",
                title: "BlazePose landmark model (full)",
                bytes: 12_700_317,
                sha256: "5f137f87e2144c53ae83837be50de93c108b97b5c7972819c1ea5bdb370ff6d1",
                input: "input_1",
                input_dtype: DType::F32,
                input_shape: [1, 256, 256, 3],
                outputs: &["Identity", "Identity_1", "Identity_2", "Identity_3", "Identity_4"],
            },
            ModelFile::BlazeposeLandmarkHeavy => ModelSpec {
                file: "pose_landmark_heavy.onnx",
                title: "BlazePose landmark model (heavy)",
                bytes: 55_049_846,
                sha256: "6de3565d6909ea4197509e7bc3c8ff51dcedbf1e1609be36c2973123e5e22b6a",
                input: "input_1",
                input_dtype: DType::F32,
                input_shape: [1, 256, 256, 3],
                outputs: &["Identity", "Identity_1", "Identity_2", "Identity_3", "Identity_4"],
            },
            ModelFile::PalmDetectionFull => ModelSpec {
                file: "palm_detection_full.onnx",
                title: "MediaPipe Hands palm detector (full)",
                bytes: 4_544_855,
                sha256: "c9ab9d49ebebf807ea0e184aae45ad275b44e26324f07a48ea8fe9847595ce4c",
                input: "input_1",
                input_dtype: DType::F32,
                input_shape: [1, 192, 192, 3],
                outputs: &["Identity", "Identity_1"],
            },
            ModelFile::HandLandmarkFull => ModelSpec {
                file: "hand_landmark_full.onnx",
                title: "MediaPipe Hands landmark model (full)",
                bytes: 10_873_360,
                sha256: "4e98ed202b44b97ccefe6472eb7ab0495421ba61f7ecd93cbaf62b0fbbe19806",
                input: "input_1",
                input_dtype: DType::F32,
                input_shape: [1, 224, 224, 3],
                outputs: &["Identity", "Identity_1", "Identity_2", "Identity_3"],
            },
        }
    }
}

/// The pose models a user can choose.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize)]
pub enum PoseModel {
    /// MoveNet Lightning: fastest, 17 keypoints.
    #[default]
    #[serde(rename = "movenet-lightning")]
    MovenetLightning,
    /// MoveNet Thunder: more accurate, 17 keypoints.
    #[serde(rename = "movenet-thunder")]
    MovenetThunder,
    /// BlazePose lite: 33 landmarks (hands and feet), world landmarks, segmentation.
    #[serde(rename = "blazepose-lite")]
    BlazeposeLite,
    /// BlazePose full: 33 landmarks, accurate and fast enough for live use.
    #[serde(rename = "blazepose-full")]
    BlazeposeFull,
    /// BlazePose heavy: the most accurate and the slowest (about four times full's landmark cost), 33 landmarks;
    /// for offline analysis of recordings.
    #[serde(rename = "blazepose-heavy")]
    BlazeposeHeavy,
}

impl PoseModel {
    /// Every choice, fastest first.
    pub const ALL: [PoseModel; 5] = [
        PoseModel::MovenetLightning,
        PoseModel::MovenetThunder,
        PoseModel::BlazeposeLite,
        PoseModel::BlazeposeFull,
        PoseModel::BlazeposeHeavy,
    ];

    /// The name used on the command line and in files.
    pub fn name(self) -> &'static str {
        match self {
            PoseModel::MovenetLightning => "movenet-lightning",
            PoseModel::MovenetThunder => "movenet-thunder",
            PoseModel::BlazeposeLite => "blazepose-lite",
            PoseModel::BlazeposeFull => "blazepose-full",
            PoseModel::BlazeposeHeavy => "blazepose-heavy",
        }
    }

    /// A label for people: the name and what the model is for ("MoveNet Lightning (fast)").
    pub fn label(self) -> String {
        let what = match self {
            PoseModel::MovenetLightning => "fast",
            PoseModel::MovenetThunder => "accurate",
            PoseModel::BlazeposeLite => "hands and feet",
            PoseModel::BlazeposeFull => "accurate, hands and feet",
            PoseModel::BlazeposeHeavy => "most accurate, slowest: for recordings",
        };
        format!("{} ({what})", self.short_label())
    }

    /// The model's name for a sentence or a button ("BlazePose full").
    pub fn short_label(self) -> &'static str {
        match self {
            PoseModel::MovenetLightning => "MoveNet Lightning",
            PoseModel::MovenetThunder => "MoveNet Thunder",
            PoseModel::BlazeposeLite => "BlazePose lite",
            PoseModel::BlazeposeFull => "BlazePose full",
            PoseModel::BlazeposeHeavy => "BlazePose heavy",
        }
    }

    /// Whether this is a BlazePose model: 33 landmarks with heels and toes, 3D world landmarks, a person detector.
    pub fn is_blazepose(self) -> bool {
        matches!(self, PoseModel::BlazeposeLite | PoseModel::BlazeposeFull | PoseModel::BlazeposeHeavy)
    }
}

impl fmt::Display for PoseModel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for PoseModel {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        PoseModel::ALL.into_iter().find(|m| m.name().eq_ignore_ascii_case(s)).ok_or_else(|| {
            let names: Vec<&str> = PoseModel::ALL.iter().map(|m| m.name()).collect();
            format!("unknown model `{s}`: choose {}", names.join(", "))
        })
    }
}

/// Why a model could not be used. Every message names the file and says what to do.
#[derive(Debug, Error)]
pub enum ModelError {
    /// The file is not there.
    #[error(
        "model file {path} is missing (expected {title}, {bytes} bytes). Reinstall mirrorcue's models/ folder, or point to it with --models DIR or MIRRORCUE_MODELS."
    )]
    Missing {
        /// Where it was looked for.
        path: PathBuf,
        /// What it should be.
        title: &'static str,
        /// Expected size.
        bytes: u64,
    },
    /// The file could not be read.
    #[error("model file {path} could not be read: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The file is not the one shipped (truncated, corrupted, replaced).
    #[error(
        "model file {path} is not the expected {title}: it has {found_bytes} bytes and sha256 {found}, expected {bytes} bytes and sha256 {expected}. \
         The file is damaged or was replaced; restore it from mirrorcue's models/ folder (see models/README.md), \
         or set MIRRORCUE_MODEL_CHECK=signature to accept a re-converted model whose inputs and outputs match."
    )]
    Checksum {
        /// The file.
        path: PathBuf,
        /// What it should be.
        title: &'static str,
        /// Expected size.
        bytes: u64,
        /// Actual size.
        found_bytes: u64,
        /// Expected sha256.
        expected: &'static str,
        /// Actual sha256.
        found: String,
    },
    /// The file's inputs or outputs are not what mirrorcue feeds and reads.
    #[error(
        "model file {path} does not have the inputs and outputs of {title}: expected {expected}, found {found}. Use the file shipped in mirrorcue's models/ folder."
    )]
    Signature {
        /// The file.
        path: PathBuf,
        /// What it should be.
        title: &'static str,
        /// What was expected.
        expected: String,
        /// What the file has.
        found: String,
    },
    /// The engine could not load it.
    #[error("model file {path} could not be loaded ({title}): {source}")]
    Engine {
        /// The file.
        path: PathBuf,
        /// What it should be.
        title: &'static str,
        /// The engine's error.
        source: EngineError,
    },
}

/// How strictly model files are checked when loaded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ModelCheck {
    /// Size and SHA-256 must match the shipped file, and the inputs and outputs too.
    #[default]
    Checksum,
    /// Only the inputs and outputs must match (for a re-converted model).
    Signature,
}

/// The folder the models are in.
#[derive(Clone, Debug)]
pub struct ModelStore {
    dir: PathBuf,
    check: ModelCheck,
}

impl ModelStore {
    /// Models in `dir`, checked by checksum.
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        ModelStore { dir: dir.into(), check: ModelCheck::Checksum }
    }

    /// Sets how strictly files are checked.
    pub fn with_check(mut self, check: ModelCheck) -> Self {
        self.check = check;
        self
    }

    /// Finds the models folder: `MIRRORCUE_MODELS`, else `models/` next to the executable or up to three folders
    /// above it (so `target/release/mirrorcue` finds the checkout's `models/`), else the `models/` of the source
    /// tree mirrorcue was built from. The check level comes from `MIRRORCUE_MODEL_CHECK` (`checksum` or
    /// `signature`).
    pub fn locate() -> Self {
        let check = match std::env::var("MIRRORCUE_MODEL_CHECK").as_deref() {
            Ok("signature") => ModelCheck::Signature,
            _ => ModelCheck::Checksum,
        };
        if let Some(d) = std::env::var_os("MIRRORCUE_MODELS").filter(|d| !d.is_empty()) {
            return ModelStore::new(d).with_check(check);
        }
        if let Some(mut dir) = std::env::current_exe().ok().and_then(|e| e.parent().map(Path::to_path_buf)) {
            for _ in 0..4 {
                let cand = dir.join("models");
                if cand.join(ModelFile::MovenetLightning.spec().file).exists() {
                    return ModelStore::new(cand).with_check(check);
                }
                if !dir.pop() {
                    break;
                }
            }
        }
        ModelStore::new(Path::new(env!("CARGO_MANIFEST_DIR")).join("models")).with_check(check)
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Path of a model file.
    pub fn path(&self, file: ModelFile) -> PathBuf {
        self.dir.join(file.spec().file)
    }

    /// Checks that a model file is present and is the shipped one (size and SHA-256), without loading it.
    pub fn verify_file(&self, file: ModelFile) -> Result<PathBuf, ModelError> {
        let spec = file.spec();
        let path = self.path(file);
        if !path.is_file() {
            return Err(ModelError::Missing { path, title: spec.title, bytes: spec.bytes });
        }
        let meta = std::fs::metadata(&path).map_err(|e| ModelError::Io { path: path.clone(), source: e })?;
        if self.check == ModelCheck::Checksum {
            let found = sha256_file(&path).map_err(|e| ModelError::Io { path: path.clone(), source: e })?;
            if meta.len() != spec.bytes || found != spec.sha256 {
                return Err(ModelError::Checksum {
                    path,
                    title: spec.title,
                    bytes: spec.bytes,
                    found_bytes: meta.len(),
                    expected: spec.sha256,
                    found,
                });
            }
        }
        Ok(path)
    }

    /// Verifies and loads a model with `engine`, then checks its input and output signature.
    pub fn load(
        &self,
        file: ModelFile,
        engine: &Engine,
        wanted_outputs: &[bool],
    ) -> Result<Box<dyn InferenceSession>, ModelError> {
        let spec = file.spec();
        let path = self.verify_file(file)?;
        let mut rejected = None;
        let mut accept =
            |inputs: &[TensorSig], outputs: &[TensorSig]| match check_signature(&path, &spec, inputs, outputs) {
                Ok(()) => true,
                Err(e) => {
                    rejected = Some(e);
                    false
                }
            };
        let result = engine.load(&path, &spec.input_shape, spec.input_dtype, wanted_outputs, &mut accept);
        match (result, rejected) {
            (_, Some(signature_error)) => Err(signature_error),
            (Ok(session), None) => Ok(session),
            (Err(source), None) => Err(ModelError::Engine { path: path.clone(), title: spec.title, source }),
        }
    }
}

fn check_signature(
    path: &Path,
    spec: &ModelSpec,
    inputs: &[TensorSig],
    outputs: &[TensorSig],
) -> Result<(), ModelError> {
    let expected_in = TensorSig {
        name: spec.input.to_string(),
        dtype: spec.input_dtype,
        shape: spec.input_shape.iter().map(|&d| d as i64).collect(),
    };
    let shape_ok = |found: &TensorSig| {
        found.shape.is_empty()
            || (found.shape.len() == expected_in.shape.len()
                && found.shape.iter().zip(&expected_in.shape).all(|(&f, &e)| f == e || f < 0))
    };
    let input_ok = inputs.len() == 1
        && inputs[0].name == expected_in.name
        && inputs[0].dtype == expected_in.dtype
        && shape_ok(&inputs[0]);
    let names: Vec<&str> = outputs.iter().map(|o| o.name.as_str()).collect();
    let outputs_ok = names == spec.outputs;
    if input_ok && outputs_ok {
        return Ok(());
    }
    let list = |sigs: &[TensorSig]| sigs.iter().map(|s| s.to_string()).collect::<Vec<_>>().join(", ");
    Err(ModelError::Signature {
        path: path.to_path_buf(),
        title: spec.title,
        expected: format!("input {expected_in}, outputs {:?}", spec.outputs),
        found: format!("inputs [{}], outputs [{}]", list(inputs), list(outputs)),
    })
}

/// SHA-256 of a file, lower-case hex.
pub fn sha256_file(path: &Path) -> std::io::Result<String> {
    let mut f = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hasher.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn model_names_parse() {
        for m in PoseModel::ALL {
            assert_eq!(m.name().parse::<PoseModel>(), Ok(m));
        }
        let e = "movenet".parse::<PoseModel>().unwrap_err();
        assert!(e.contains("movenet-lightning") && e.contains("blazepose-heavy"), "{e}");
        assert_eq!("blazepose-heavy".parse::<PoseModel>(), Ok(PoseModel::BlazeposeHeavy));
        assert!(PoseModel::BlazeposeHeavy.label().contains("most accurate"));
        assert_eq!(PoseModel::ALL.last(), Some(&PoseModel::BlazeposeHeavy), "fastest first, heavy last");
        assert!(PoseModel::ALL.iter().filter(|m| m.is_blazepose()).count() == 3);
    }

    #[test]
    fn missing_and_truncated_files_are_named() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = ModelStore::new(dir.path());
        let e = store.verify_file(ModelFile::MovenetLightning).unwrap_err();
        let msg = e.to_string();
        assert!(matches!(e, ModelError::Missing { .. }));
        assert!(msg.contains("movenet_lightning.onnx") && msg.contains("missing"), "{msg}");

        std::fs::write(dir.path().join("movenet_lightning.onnx"), b"not a model").expect("write");
        let e = store.verify_file(ModelFile::MovenetLightning).unwrap_err();
        let msg = e.to_string();
        assert!(matches!(e, ModelError::Checksum { found_bytes: 11, .. }), "{msg}");
        assert!(msg.contains("9319284 bytes") && msg.contains("d0627247"), "{msg}");
    }

    #[test]
    fn shipped_models_verify() {
        let store = ModelStore::new(Path::new(env!("CARGO_MANIFEST_DIR")).join("models"));
        for f in [
            ModelFile::MovenetLightning,
            ModelFile::MovenetThunder,
            ModelFile::BlazeposeDetector,
            ModelFile::BlazeposeLandmarkLite,
            ModelFile::BlazeposeLandmarkFull,
            ModelFile::BlazeposeLandmarkHeavy,
            ModelFile::PalmDetectionFull,
            ModelFile::HandLandmarkFull,
        ] {
            store.verify_file(f).unwrap_or_else(|e| panic!("{e}"));
        }
    }
}
