//! Inference engines: ONNX Runtime (loaded at run time) and tract (pure Rust), behind one small seam.
//!
//! mirrorcue never downloads ONNX Runtime. It looks for a shared library where a user or IT department would have
//! put one, in this order:
//! 1. an explicit path (`--ort-lib`, or [`EngineConfig::ort_library`]);
//! 2. the `ORT_DYLIB_PATH` environment variable;
//! 3. next to the mirrorcue executable;
//! 4. the system library path (`libonnxruntime.so`, as `ldconfig` and `LD_LIBRARY_PATH` know it);
//! 5. a Python `onnxruntime` package (`pip install onnxruntime` puts `onnxruntime/capi/libonnxruntime.so.1.*` in
//!    site-packages).
//!
//! Before a library file is loaded it is checked ([`check_library`]): a regular file of a plausible size whose
//! header is a shared library for this platform and, for ELF, whose program and section headers all lie within the
//! file. A truncated library (a half-finished `pip install`) would otherwise crash the process inside `dlopen`
//! (SIGBUS) with no message. A library that fails the check, cannot be loaded, or is older than the ONNX Runtime API
//! level mirrorcue is built for, is skipped with a note; a library asked for by `--ort-lib` or `ORT_DYLIB_PATH`
//! that is skipped is named in [`Engine::fallback_note`] with the reason, beside the library used instead; with none left, mirrorcue falls back to [tract](https://github.com/sonos/tract), which runs the same
//! models 3.6–5.4× slower with outputs equal within 1e-2. [`Engine::report`] says which engine runs and how to get
//! the faster one.

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::OnceLock;

use thiserror::Error;

/// The ONNX Runtime API level this build needs: ONNX Runtime 1.20 or newer.
pub const ORT_MIN_MINOR: u32 = 20;

/// Which engine runs the models.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EngineKind {
    /// Microsoft's ONNX Runtime (C++), loaded dynamically.
    OnnxRuntime,
    /// tract, a pure-Rust ONNX engine built into mirrorcue.
    Tract,
}

impl EngineKind {
    /// Short name for reports and flags: `onnxruntime` or `tract`.
    pub fn name(self) -> &'static str {
        match self {
            EngineKind::OnnxRuntime => "onnxruntime",
            EngineKind::Tract => "tract",
        }
    }
}

impl fmt::Display for EngineKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What the user asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum EngineChoice {
    /// ONNX Runtime if a usable one is found, tract otherwise.
    #[default]
    Auto,
    /// ONNX Runtime or an error saying why not.
    OnnxRuntime,
    /// tract, always.
    Tract,
}

impl FromStr for EngineChoice {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "auto" | "" => Ok(EngineChoice::Auto),
            "onnxruntime" | "ort" | "onnx-runtime" => Ok(EngineChoice::OnnxRuntime),
            "tract" => Ok(EngineChoice::Tract),
            other => Err(format!("unknown engine `{other}`: use auto, onnxruntime or tract")),
        }
    }
}

/// How to pick and set up the engine.
#[derive(Clone, Debug, Default)]
pub struct EngineConfig {
    /// Which engine.
    pub choice: EngineChoice,
    /// An explicit ONNX Runtime library to try first.
    pub ort_library: Option<PathBuf>,
    /// Threads per model for ONNX Runtime (0 = one per core).
    pub threads: usize,
}

impl EngineConfig {
    /// The configuration from the environment: `MIRRORCUE_ENGINE` (auto, onnxruntime, tract) and
    /// `MIRRORCUE_ORT_LIB` (a library path), if set.
    pub fn from_env() -> Result<Self, EngineError> {
        let choice = match std::env::var("MIRRORCUE_ENGINE") {
            Ok(v) => v.parse().map_err(|e: String| EngineError::Config(format!("MIRRORCUE_ENGINE: {e}")))?,
            Err(_) => EngineChoice::Auto,
        };
        let ort_library = std::env::var_os("MIRRORCUE_ORT_LIB").filter(|v| !v.is_empty()).map(PathBuf::from);
        Ok(EngineConfig { choice, ort_library, threads: 0 })
    }
}

/// Errors of engine selection and of running a model.
#[derive(Debug, Error)]
pub enum EngineError {
    /// ONNX Runtime was asked for and none could be used.
    #[error(
        "ONNX Runtime was requested but no usable library was found.\n{tried}\nInstall it with `pip install onnxruntime` \
         (or put libonnxruntime.so next to mirrorcue, or set ORT_DYLIB_PATH), or use `--engine tract`."
    )]
    OrtUnavailable {
        /// What was tried, one line each.
        tried: String,
    },
    /// A bad setting.
    #[error("{0}")]
    Config(String),
    /// The caller rejected the model's declared inputs and outputs.
    #[error("{model} does not have the expected inputs and outputs")]
    Rejected {
        /// The model file.
        model: String,
    },
    /// The engine failed to load or run a model.
    #[error("{engine} could not {action} {model}: {detail}")]
    Model {
        /// Which engine.
        engine: EngineKind,
        /// `load` or `run`.
        action: &'static str,
        /// The model file.
        model: String,
        /// The engine's message.
        detail: String,
    },
}

/// Element type of a tensor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DType {
    /// 32-bit float.
    F32,
    /// 32-bit signed integer.
    I32,
}

/// One model input's data (its shape comes from the model's spec).
#[derive(Clone, Copy, Debug)]
pub enum InputData<'a> {
    /// Float data.
    F32(&'a [f32]),
    /// Integer data.
    I32(&'a [i32]),
}

/// Declared name, type and shape of a model input or output (`-1` for a free dimension).
#[derive(Clone, Debug, PartialEq)]
pub struct TensorSig {
    /// Tensor name in the ONNX graph.
    pub name: String,
    /// Element type.
    pub dtype: DType,
    /// Dimensions; `-1` where the model leaves one open.
    pub shape: Vec<i64>,
}

impl fmt::Display for TensorSig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` {:?} {:?}", self.name, self.dtype, self.shape)
    }
}

/// A loaded model, ready to run. Outputs are copied into buffers the session keeps, in the model's output order.
pub trait InferenceSession: Send {
    /// The model's inputs as the engine sees them.
    fn inputs(&self) -> &[TensorSig];
    /// The model's outputs as the engine sees them.
    fn outputs(&self) -> &[TensorSig];
    /// Runs the model on one input tensor of `shape`; returns one flat buffer per output, in output order (an
    /// output the caller marked as unwanted in [`Engine::load`] comes back empty).
    fn run(&mut self, shape: &[usize], input: InputData<'_>) -> Result<&[Vec<f32>], EngineError>;
}

/// The selected engine.
pub struct Engine {
    kind: EngineKind,
    detail: String,
    note: Option<String>,
    threads: usize,
}

struct OrtLoaded {
    env: ort::environment::Environment,
    path: PathBuf,
    version: String,
}

/// How initialising ONNX Runtime went: the library loaded (or what was tried), and the libraries asked for by name
/// (`--ort-lib`, `ORT_DYLIB_PATH`) that were not used, with why.
struct OrtInit {
    loaded: Result<OrtLoaded, String>,
    not_used: Vec<String>,
}

/// ONNX Runtime can be initialised once per process; the outcome is kept here.
static ORT: OnceLock<OrtInit> = OnceLock::new();

impl Engine {
    /// Picks the engine as configured. With [`EngineChoice::Auto`] this never fails: it falls back to tract.
    pub fn select(config: &EngineConfig) -> Result<Engine, EngineError> {
        let threads = if config.threads == 0 {
            std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2)
        } else {
            config.threads
        };
        if config.choice == EngineChoice::Tract {
            return Ok(Engine { kind: EngineKind::Tract, detail: tract_detail(), note: None, threads: 1 });
        }
        let init = ORT.get_or_init(|| init_ort(config.ort_library.as_deref()));
        let asked = (!init.not_used.is_empty()).then(|| init.not_used.join("\n"));
        match (&init.loaded, config.choice) {
            (Ok(o), _) => Ok(Engine {
                kind: EngineKind::OnnxRuntime,
                detail: format!("ONNX Runtime {} ({})", o.version, o.path.display()),
                note: asked
                    .map(|a| format!("{a}\nUsing ONNX Runtime {} from {} instead.", o.version, o.path.display())),
                threads,
            }),
            (Err(tried), EngineChoice::OnnxRuntime) => Err(EngineError::OrtUnavailable { tried: tried.clone() }),
            (Err(tried), _) => Ok(Engine {
                kind: EngineKind::Tract,
                detail: tract_detail(),
                note: Some(format!(
                    "ONNX Runtime not found, so the slower built-in engine runs (about 4x slower).\n{tried}\n\
                     For full speed: `pip install onnxruntime`, or put libonnxruntime.so (1.{ORT_MIN_MINOR} or newer) \
                     next to mirrorcue, or set ORT_DYLIB_PATH."
                )),
                threads: 1,
            }),
        }
    }

    /// Which engine runs.
    pub fn kind(&self) -> EngineKind {
        self.kind
    }

    /// One line for people: which engine, its version and where it was loaded from.
    pub fn report(&self) -> String {
        self.detail.clone()
    }

    /// Why the faster engine is not running and how to get it, if that is the case; or which ONNX Runtime library
    /// asked for (`--ort-lib`, `ORT_DYLIB_PATH`) was not used, why, and which one is used instead.
    pub fn fallback_note(&self) -> Option<&str> {
        self.note.as_deref()
    }

    /// Loads an ONNX model file. `wanted_outputs` marks, in output order, which outputs the caller reads (others
    /// are not copied out); an empty slice means all. `accept` sees the model's declared inputs and outputs before
    /// the engine prepares it for `input_shape`; when it returns `false` loading stops with
    /// [`EngineError::Rejected`].
    pub fn load(
        &self,
        path: &Path,
        input_shape: &[usize],
        dtype: DType,
        wanted_outputs: &[bool],
        accept: &mut dyn FnMut(&[TensorSig], &[TensorSig]) -> bool,
    ) -> Result<Box<dyn InferenceSession>, EngineError> {
        match self.kind {
            EngineKind::OnnxRuntime => Ok(Box::new(OrtSession::load(path, self.threads, wanted_outputs, accept)?)),
            EngineKind::Tract => Ok(Box::new(TractSession::load(path, input_shape, dtype, wanted_outputs, accept)?)),
        }
    }
}

fn tract_detail() -> String {
    "tract (pure Rust, built in)".to_string()
}

/// Where an ONNX Runtime library might be, in the order they are tried.
pub fn ort_candidates(explicit: Option<&Path>) -> Vec<PathBuf> {
    let mut out = asked_libraries(explicit).into_iter().map(|(p, _)| p).collect::<Vec<_>>();
    if let Some(dir) = std::env::current_exe().ok().and_then(|e| e.parent().map(Path::to_path_buf)) {
        out.extend(libs_in(&dir));
    }
    for name in ["libonnxruntime.so", "libonnxruntime.so.1"] {
        out.push(PathBuf::from(name));
    }
    for dir in ["/usr/local/lib", "/usr/lib", "/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu"] {
        out.extend(libs_in(Path::new(dir)));
    }
    for site in python_site_dirs() {
        out.extend(libs_in(&site.join("onnxruntime").join("capi")));
    }
    let mut seen = std::collections::HashSet::new();
    out.retain(|p| seen.insert(p.clone()));
    out
}

/// ONNX Runtime main libraries in `dir`, newest version first.
fn libs_in(dir: &Path) -> Vec<PathBuf> {
    let Ok(rd) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut v: Vec<PathBuf> = rd
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
                n.starts_with("libonnxruntime.so") || n == "libonnxruntime.dylib" || n == "onnxruntime.dll"
            })
        })
        .collect();
    v.sort();
    v.reverse();
    v
}

/// Python package folders to look in for `onnxruntime/capi`.
fn python_site_dirs() -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    if let Some(venv) = std::env::var_os("VIRTUAL_ENV") {
        dirs.extend(python_lib_dirs(&PathBuf::from(venv).join("lib")));
    }
    if let Some(home) = std::env::var_os("HOME") {
        let home = PathBuf::from(home);
        dirs.extend(python_lib_dirs(&home.join(".local/lib")));
        if let Ok(rd) = std::fs::read_dir(home.join(".pyenv/versions")) {
            for e in rd.flatten() {
                dirs.extend(python_lib_dirs(&e.path().join("lib")));
            }
        }
    }
    dirs.extend(python_lib_dirs(Path::new("/usr/local/lib")));
    dirs.extend(python_lib_dirs(Path::new("/usr/lib")));
    dirs.push(PathBuf::from("/usr/lib/python3/dist-packages"));
    // Finally ask the Python on PATH where its packages are (cheap: no import of onnxruntime).
    for py in ["python3", "python"] {
        let out = std::process::Command::new(py)
            .args(["-c", "import sys\nfor p in sys.path: print(p)"])
            .stderr(std::process::Stdio::null())
            .output();
        if let Ok(out) = out
            && out.status.success()
        {
            dirs.extend(String::from_utf8_lossy(&out.stdout).lines().filter(|l| !l.is_empty()).map(PathBuf::from));
            break;
        }
    }
    dirs
}

fn python_lib_dirs(lib: &Path) -> Vec<PathBuf> {
    let Ok(rd) = std::fs::read_dir(lib) else { return Vec::new() };
    let mut v = Vec::new();
    for e in rd.flatten() {
        let name = e.file_name();
        if name.to_string_lossy().starts_with("python3") {
            v.push(e.path().join("site-packages"));
            v.push(e.path().join("dist-packages"));
        }
    }
    v
}

/// The libraries the user asked for by name, with where the request came from.
fn asked_libraries(explicit: Option<&Path>) -> Vec<(PathBuf, &'static str)> {
    let mut out = Vec::new();
    if let Some(p) = explicit {
        out.push((p.to_path_buf(), "--ort-lib (MIRRORCUE_ORT_LIB)"));
    }
    if let Some(p) = std::env::var_os("ORT_DYLIB_PATH").filter(|v| !v.is_empty()) {
        out.push((PathBuf::from(p), "ORT_DYLIB_PATH"));
    }
    out
}

/// The smallest file taken for an ONNX Runtime library: real ones are 15 MB and more.
const MIN_LIBRARY_BYTES: u64 = 1 << 20;

/// Checks a candidate library file before it is loaded: a regular file of at least [`MIN_LIBRARY_BYTES`] whose
/// header is a shared library (ELF, Mach-O or PE) and, for ELF, whose program headers, loaded segments and section
/// headers all lie within the file (a truncated copy fails here instead of crashing inside `dlopen`). The error
/// says what is wrong.
pub fn check_library(path: &Path) -> Result<(), String> {
    use std::io::Read;
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot be read ({e})"))?;
    if !meta.is_file() {
        return Err("is not a file".into());
    }
    let len = meta.len();
    let mut head = vec![0u8; 4096];
    let mut file = std::fs::File::open(path).map_err(|e| format!("cannot be read ({e})"))?;
    let n = file.read(&mut head).map_err(|e| format!("cannot be read ({e})"))?;
    head.truncate(n);
    let is_library = matches!(
        head.get(..4),
        Some([0x7F, b'E', b'L', b'F'] | [0xCF, 0xFA, 0xED, 0xFE] | [0xCA, 0xFE, 0xBA, 0xBE] | [b'M', b'Z', _, _])
    );
    if is_library && len < MIN_LIBRARY_BYTES {
        return Err(format!("is only {len} bytes, too small to be ONNX Runtime (a damaged or unfinished copy?)"));
    }
    match head.get(..4) {
        Some([0x7F, b'E', b'L', b'F']) => check_elf(&mut file, &head, len),
        Some([0xCF, 0xFA, 0xED, 0xFE] | [0xCA, 0xFE, 0xBA, 0xBE]) | Some([b'M', b'Z', _, _]) => Ok(()),
        _ => Err("is not a shared library (no ELF, Mach-O or PE header)".into()),
    }
}

/// The ELF checks of [`check_library`]: every program header's segment and the section header table lie within
/// the file's `len` bytes.
fn check_elf(file: &mut std::fs::File, head: &[u8], len: u64) -> Result<(), String> {
    use std::io::{Read, Seek, SeekFrom};
    let bad = |what: &str| Err(format!("is a damaged ELF library ({what}): a truncated or unfinished copy?"));
    let (is64, little) = (head.get(4) == Some(&2), head.get(5) == Some(&1));
    if !little || head.len() < 64 {
        return if little { bad("header cut short") } else { Ok(()) };
    }
    let u16_at = |b: &[u8], o: usize| u64::from(u16::from_le_bytes([b[o], b[o + 1]]));
    let u32_at = |b: &[u8], o: usize| u64::from(u32::from_le_bytes([b[o], b[o + 1], b[o + 2], b[o + 3]]));
    let u64_at = |b: &[u8], o: usize| u64::from_le_bytes(b[o..o + 8].try_into().unwrap_or([0; 8]));
    let (phoff, shoff, phentsize, phnum, shentsize, shnum) = if is64 {
        (u64_at(head, 32), u64_at(head, 40), u16_at(head, 54), u16_at(head, 56), u16_at(head, 58), u16_at(head, 60))
    } else {
        (u32_at(head, 28), u32_at(head, 32), u16_at(head, 42), u16_at(head, 44), u16_at(head, 46), u16_at(head, 48))
    };
    if shoff.saturating_add(shentsize * shnum) > len {
        return bad(&format!("its section headers end at byte {} of {len}", shoff.saturating_add(shentsize * shnum)));
    }
    let table = phentsize * phnum;
    if phoff.saturating_add(table) > len || table > 1 << 20 {
        return bad("its program headers lie past its end");
    }
    let mut ph = vec![0u8; table as usize];
    file.seek(SeekFrom::Start(phoff))
        .and_then(|_| file.read_exact(&mut ph))
        .map_err(|e| format!("cannot be read ({e})"))?;
    for i in 0..phnum as usize {
        let e = &ph[i * phentsize as usize..];
        let (kind, offset, size) = if is64 {
            (u32_at(e, 0), u64_at(e, 8), u64_at(e, 32))
        } else {
            (u32_at(e, 0), u32_at(e, 4), u32_at(e, 16))
        };
        // PT_LOAD: a segment mapped from the file.
        if kind == 1 && offset.saturating_add(size) > len {
            return bad(&format!("a loaded segment ends at byte {} of {len}", offset.saturating_add(size)));
        }
    }
    Ok(())
}

fn init_ort(explicit: Option<&Path>) -> OrtInit {
    let mut tried = Vec::new();
    let asked = asked_libraries(explicit);
    let mut not_used = Vec::new();
    for cand in ort_candidates(explicit) {
        let why_not = (|| {
            // A bare name is resolved by the system loader; a path must exist and look whole.
            if cand.components().count() > 1 {
                if !cand.exists() {
                    return Err("does not exist".to_string());
                }
                check_library(&cand)?;
            }
            match ort::init_from(&cand) {
                Ok(builder) => match builder.with_name("mirrorcue").with_telemetry(false).build() {
                    Ok(env) => Ok(env),
                    Err(e) => Err(format!("was loaded, but could not start: {e}")),
                },
                Err(e) => Err(format!("could not be loaded: {e}")),
            }
        })();
        match why_not {
            Ok(env) => {
                let version = ort_version(&cand);
                return OrtInit { loaded: Ok(OrtLoaded { env, path: cand, version }), not_used };
            }
            Err(reason) => {
                if let Some((_, from)) = asked.iter().find(|(p, _)| *p == cand) {
                    not_used.push(format!(
                        "The ONNX Runtime library asked for by {from}, {}, was not used: it {reason}.",
                        cand.display()
                    ));
                }
                tried.push(format!("  - {}: {reason}", cand.display()));
            }
        }
    }
    if tried.is_empty() {
        tried.push("  - no candidate locations".into());
    }
    let loaded = Err(format!("Looked for ONNX Runtime (1.{ORT_MIN_MINOR} or newer) in:\n{}", tried.join("\n")));
    OrtInit { loaded, not_used }
}

/// The version ONNX Runtime reports (`OrtGetApiBase()->GetVersionString()`), read from the library that was loaded.
fn ort_version(path: &Path) -> String {
    #[repr(C)]
    struct OrtApiBase {
        get_api: unsafe extern "C" fn(u32) -> *const std::ffi::c_void,
        get_version_string: unsafe extern "C" fn() -> *const std::ffi::c_char,
    }
    // SAFETY: the library was already loaded and checked by `ort::init_from` (it exports `OrtGetApiBase`); loading
    // it again returns the same handle, and `GetVersionString` returns a static NUL-terminated string.
    let version = unsafe {
        libloading::Library::new(path).ok().and_then(|lib| {
            let get_base: libloading::Symbol<unsafe extern "C" fn() -> *const OrtApiBase> =
                lib.get(b"OrtGetApiBase").ok()?;
            let base = get_base();
            if base.is_null() {
                return None;
            }
            let s = ((*base).get_version_string)();
            if s.is_null() {
                return None;
            }
            Some(std::ffi::CStr::from_ptr(s).to_string_lossy().into_owned())
        })
    };
    version.unwrap_or_else(|| "(version not reported)".to_string())
}

fn model_name(path: &Path) -> String {
    path.display().to_string()
}

// ---------------------------------------------------------------------------------------------------------------
// ONNX Runtime

struct OrtSession {
    session: ort::session::Session,
    inputs: Vec<TensorSig>,
    outputs: Vec<TensorSig>,
    wanted: Vec<bool>,
    buffers: Vec<Vec<f32>>,
    name: String,
}

fn ort_sig(outlet: &ort::value::Outlet) -> TensorSig {
    use ort::value::{TensorElementType, ValueType};
    match outlet.dtype() {
        ValueType::Tensor { ty, shape, .. } => TensorSig {
            name: outlet.name().to_string(),
            dtype: if *ty == TensorElementType::Int32 { DType::I32 } else { DType::F32 },
            shape: shape.iter().copied().collect(),
        },
        _ => TensorSig { name: outlet.name().to_string(), dtype: DType::F32, shape: vec![] },
    }
}

impl OrtSession {
    fn load(
        path: &Path,
        threads: usize,
        wanted: &[bool],
        accept: &mut dyn FnMut(&[TensorSig], &[TensorSig]) -> bool,
    ) -> Result<Self, EngineError> {
        let name = model_name(path);
        let err = |e: ort::Error| EngineError::Model {
            engine: EngineKind::OnnxRuntime,
            action: "load",
            model: name.clone(),
            detail: e.to_string(),
        };
        let env = match ORT.get().map(|i| &i.loaded) {
            Some(Ok(o)) => &o.env,
            _ => {
                return Err(EngineError::Config("ONNX Runtime is not initialised".into()));
            }
        };
        let mut builder = ort::session::Session::builder(env)
            .map_err(err)?
            .with_intra_threads(threads)
            .map_err(|e| err(e.into()))?
            .with_inter_threads(1)
            .map_err(|e| err(e.into()))?
            // Several sessions take turns on the same cores (the body pose, the palm detector, the hand landmarks):
            // threads left spinning after one model's run take the cores from the next model's. Measured (release,
            // 2 cores) on the hand tracker at 1280×720: 81 ms per frame spinning, 38 ms not; a single model's pose
            // stage within the machine's noise either way (Lightning 10.3 / 11.9 ms, BlazePose full 22.2 / 20.3 ms).
            .with_intra_op_spinning(false)
            .map_err(|e| err(e.into()))?
            .with_optimization_level(ort::session::builder::GraphOptimizationLevel::Level3)
            .map_err(|e| err(e.into()))?;
        // The graph without the outputs nobody reads: ONNX Runtime would run their nodes all the same (BlazePose
        // full without its mask decoder: inference 8.0 -> 4.8 ms, median on the walk clip, `mirrorcue bench`).
        let pruned = if wanted.iter().all(|&w| w) {
            None
        } else {
            std::fs::read(path).ok().and_then(|bytes| super::onnx_prune::keep_outputs(&bytes, wanted))
        };
        let session = match &pruned {
            Some(p) => builder.commit_from_memory(&p.model),
            None => builder.commit_from_file(path),
        }
        .map_err(err)?;
        let inputs: Vec<TensorSig> = session.inputs().iter().map(ort_sig).collect();
        let mut outputs: Vec<TensorSig> = session.outputs().iter().map(ort_sig).collect();
        if let Some(p) = &pruned {
            // The original outputs in their order, the dropped ones without a shape (never read).
            outputs = p
                .outputs
                .iter()
                .map(|n| {
                    outputs.iter().find(|o| &o.name == n).cloned().unwrap_or_else(|| TensorSig {
                        name: n.clone(),
                        dtype: DType::F32,
                        shape: Vec::new(),
                    })
                })
                .collect();
        }
        if !accept(&inputs, &outputs) {
            return Err(EngineError::Rejected { model: name });
        }
        let wanted = if wanted.is_empty() { vec![true; outputs.len()] } else { wanted.to_vec() };
        let buffers = vec![Vec::new(); outputs.len()];
        Ok(OrtSession { session, inputs, outputs, wanted, buffers, name })
    }
}

impl InferenceSession for OrtSession {
    fn inputs(&self) -> &[TensorSig] {
        &self.inputs
    }
    fn outputs(&self) -> &[TensorSig] {
        &self.outputs
    }
    fn run(&mut self, shape: &[usize], input: InputData<'_>) -> Result<&[Vec<f32>], EngineError> {
        use ort::value::TensorRef;
        let name = self.name.clone();
        let err = move |e: ort::Error| EngineError::Model {
            engine: EngineKind::OnnxRuntime,
            action: "run",
            model: name.clone(),
            detail: e.to_string(),
        };
        let shape: Vec<i64> = shape.iter().map(|&d| d as i64).collect();
        let outputs = match input {
            InputData::F32(d) => {
                let t = TensorRef::from_array_view((shape, d)).map_err(&err)?;
                self.session.run(ort::inputs![t]).map_err(&err)?
            }
            InputData::I32(d) => {
                let t = TensorRef::from_array_view((shape, d)).map_err(&err)?;
                self.session.run(ort::inputs![t]).map_err(&err)?
            }
        };
        for (i, sig) in self.outputs.iter().enumerate() {
            if !self.wanted.get(i).copied().unwrap_or(true) {
                self.buffers[i].clear();
                continue;
            }
            let value = outputs
                .get(sig.name.as_str())
                .ok_or_else(|| err(ort::Error::new(format!("output `{}` missing", sig.name))))?;
            let (_, data) = value.try_extract_tensor::<f32>().map_err(&err)?;
            self.buffers[i].clear();
            self.buffers[i].extend_from_slice(data);
        }
        Ok(&self.buffers)
    }
}

// ---------------------------------------------------------------------------------------------------------------
// tract

type TractPlan = std::sync::Arc<tract_onnx::prelude::TypedSimplePlan>;

struct TractSession {
    plan: TractPlan,
    inputs: Vec<TensorSig>,
    outputs: Vec<TensorSig>,
    /// The original index of each output the plan computes, in its order.
    slots: Vec<usize>,
    buffers: Vec<Vec<f32>>,
    name: String,
}

impl TractSession {
    fn load(
        path: &Path,
        input_shape: &[usize],
        dtype: DType,
        wanted: &[bool],
        accept: &mut dyn FnMut(&[TensorSig], &[TensorSig]) -> bool,
    ) -> Result<Self, EngineError> {
        use tract_onnx::prelude::*;
        use tract_onnx::tract_hir::infer::Factoid;
        let name = model_name(path);
        let err = |e: TractError| EngineError::Model {
            engine: EngineKind::Tract,
            action: "load",
            model: name.clone(),
            detail: format!("{e:#}"),
        };
        let model = tract_onnx::onnx().model_for_path(path).map_err(err)?;
        // Signatures as declared in the file, before shapes are fixed.
        let mut inputs = Vec::new();
        for (i, outlet) in model.input_outlets().map_err(err)?.iter().enumerate() {
            let fact = model.input_fact(i).map_err(err)?;
            inputs.push(TensorSig {
                name: model.node(outlet.node).name.clone(),
                dtype: tract_dtype(fact.datum_type.concretize()),
                shape: tract_shape(&fact.shape),
            });
        }
        let mut outputs = Vec::new();
        for (i, outlet) in model.output_outlets().map_err(err)?.iter().enumerate() {
            let fact = model.output_fact(i).map_err(err)?;
            let name =
                model.outlet_label(*outlet).map(str::to_string).unwrap_or_else(|| model.node(outlet.node).name.clone());
            outputs.push(TensorSig {
                name,
                dtype: tract_dtype(fact.datum_type.concretize()),
                shape: tract_shape(&fact.shape),
            });
        }
        let dt = match dtype {
            DType::F32 => f32::datum_type(),
            DType::I32 => i32::datum_type(),
        };
        if !accept(&inputs, &outputs) {
            return Err(EngineError::Rejected { model: name });
        }
        // Only the outputs read: tract's optimiser then drops what only the others need (BlazePose's mask decoder).
        let mut slots: Vec<usize> = (0..outputs.len()).filter(|&i| wanted.get(i).copied().unwrap_or(true)).collect();
        let mut model = model;
        if slots.is_empty() {
            slots = (0..outputs.len()).collect();
        } else if slots.len() < outputs.len() {
            let all = model.output_outlets().map_err(err)?.to_vec();
            model.select_output_outlets(&slots.iter().map(|&i| all[i]).collect::<Vec<_>>()).map_err(err)?;
        }
        let plan = model
            .with_input_fact(0, InferenceFact::dt_shape(dt, input_shape))
            .map_err(err)?
            .into_optimized()
            .map_err(err)?
            .into_runnable()
            .map_err(err)?;
        let buffers = vec![Vec::new(); outputs.len()];
        Ok(TractSession { plan, inputs, outputs, slots, buffers, name })
    }
}

fn tract_dtype(dt: Option<tract_onnx::prelude::DatumType>) -> DType {
    match dt {
        Some(tract_onnx::prelude::DatumType::I32) => DType::I32,
        _ => DType::F32,
    }
}

fn tract_shape(shape: &tract_onnx::tract_hir::infer::ShapeFactoid) -> Vec<i64> {
    use tract_onnx::tract_hir::infer::Factoid;
    match shape.concretize() {
        Some(dims) => dims.iter().map(|d| d.to_i64().unwrap_or(-1)).collect(),
        None => Vec::new(),
    }
}

impl InferenceSession for TractSession {
    fn inputs(&self) -> &[TensorSig] {
        &self.inputs
    }
    fn outputs(&self) -> &[TensorSig] {
        &self.outputs
    }
    fn run(&mut self, shape: &[usize], input: InputData<'_>) -> Result<&[Vec<f32>], EngineError> {
        use tract_onnx::prelude::*;
        let err = |e: TractError| EngineError::Model {
            engine: EngineKind::Tract,
            action: "run",
            model: self.name.clone(),
            detail: format!("{e:#}"),
        };
        let tensor = match input {
            InputData::F32(d) => Tensor::from_shape(shape, d).map_err(err)?,
            InputData::I32(d) => Tensor::from_shape(shape, d).map_err(err)?,
        };
        let result = self.plan.run(tvec!(tensor.into_tvalue())).map_err(err)?;
        for buffer in &mut self.buffers {
            buffer.clear();
        }
        for (&i, value) in self.slots.iter().zip(result.iter()) {
            let view = value.try_as_plain_ram().map_err(err)?;
            let data = view.as_slice::<f32>().map_err(err)?;
            self.buffers[i].extend_from_slice(data);
        }
        Ok(&self.buffers)
    }
}

#[cfg(test)]
mod library_tests {
    use super::*;

    #[test]
    fn defect_2_a_truncated_or_foreign_library_is_refused_before_loading() {
        let dir = tempfile::tempdir().unwrap();
        let text = dir.path().join("libonnxruntime.so");
        std::fs::write(&text, "not a library").unwrap();
        assert!(check_library(&text).unwrap_err().contains("ELF"));
        // A whole library of this system passes; its first half does not.
        let whole = std::env::current_exe().unwrap();
        check_library(&whole).unwrap();
        let bytes = std::fs::read(&whole).unwrap();
        let half = dir.path().join("half.so");
        std::fs::write(&half, &bytes[..bytes.len() / 2]).unwrap();
        let e = check_library(&half).unwrap_err();
        assert!(e.contains("damaged ELF"), "{e}");
        assert!(check_library(dir.path()).is_err());
    }
}
