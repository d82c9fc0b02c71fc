//! The Keras docs' logistic regression from Rust, through inlay's C ABI declared by hand: no crates, no
//! bindgen, no build script. The `extern "C"` block below declares the few functions of inlay.h this
//! program uses; small RAII types free what the library hands out, and every failure becomes an
//! `InlayError` carrying the status and inlay_last_error()'s text.
//!
//!     x = keras.Input(shape=(32,))
//!     y = keras.layers.Dense(16, activation="softmax")(x)
//!     model = keras.Model(x, y)
//!
//! Build against an installed inlay (link flags from pkg-config, translated for rustc):
//!     rustc --edition 2021 -O main.rs -o logistic_regression -L native=$(pkg-config --variable=libdir inlay) -l dylib=inlay
//! Run:
//!     ./logistic_regression [model.keras]
//!
//! With no argument the model is built through the ABI and given known weights; with a model file (.keras,
//! TensorFlow.js model.json, ...) that model is loaded. Either way a batch is predicted and checked against
//! softmax(x @ W + b) computed here in f64; the exit status is 1 on a mismatch or an error.

use std::ffi::{CStr, CString};
use std::fmt;
use std::os::raw::{c_char, c_int, c_void};
use std::ptr;

// ---- The C ABI, as inlay.h declares it ----------------------------------------------------------------

/// `inlay_status`: a C enum, so a C int; 0 is INLAY_OK.
type Status = c_int;
const INLAY_OK: Status = 0;
const INLAY_INVALID_ARGUMENT: Status = 1;
const INLAY_SHAPE_MISMATCH: Status = 2;
/// `inlay_dtype` INLAY_FLOAT32.
const INLAY_FLOAT32: c_int = 1;

// Opaque handles: only ever used behind pointers.
#[repr(C)]
struct InlayGraph {
    _private: [u8; 0],
}
#[repr(C)]
struct InlayTensor {
    _private: [u8; 0],
}
#[repr(C)]
struct InlayLayer {
    _private: [u8; 0],
}
#[repr(C)]
struct InlayModel {
    _private: [u8; 0],
}
#[repr(C)]
struct InlayArray {
    _private: [u8; 0],
}

// Linked with `-l dylib=inlay` (from `pkg-config --libs inlay`), so no #[link] attribute here.
extern "C" {
    fn inlay_last_error() -> *const c_char;
    fn inlay_status_name(s: Status) -> *const c_char;
    fn inlay_version() -> *const c_char;
    fn inlay_free(p: *mut c_void);

    fn inlay_graph_create(out: *mut *mut InlayGraph) -> Status;
    fn inlay_graph_free(g: *mut InlayGraph);
    fn inlay_input(
        g: *mut InlayGraph,
        kwargs_json: *const c_char,
        type_spec: *const c_void, // const inlay_spec *: not used here, so left opaque
        tensor: *const InlayTensor,
        out: *mut *mut InlayTensor,
    ) -> Status;
    fn inlay_layer_create(
        g: *mut InlayGraph,
        class_name: *const c_char,
        config_json: *const c_char,
        out: *mut *mut InlayLayer,
    ) -> Status;
    fn inlay_layer_call(
        l: *mut InlayLayer,
        inputs: *const *mut InlayTensor,
        n_inputs: usize,
        outputs: *mut *mut InlayTensor,
        outputs_capacity: usize,
        n_outputs: *mut usize,
    ) -> Status;

    fn inlay_model_create(
        g: *mut InlayGraph,
        inputs: *const *mut InlayTensor,
        n_inputs: usize,
        outputs: *const *mut InlayTensor,
        n_outputs: usize,
        name: *const c_char,
        out: *mut *mut InlayModel,
    ) -> Status;
    fn inlay_model_load(path: *const c_char, out: *mut *mut InlayModel) -> Status;
    fn inlay_model_free(m: *mut InlayModel);
    fn inlay_model_summary(m: *const InlayModel, text_out: *mut *mut c_char) -> Status;
    fn inlay_model_weight_count(m: *const InlayModel) -> usize;
    fn inlay_model_weight_info(
        m: *const InlayModel,
        i: usize,
        name: *mut *const c_char,
        rank: *mut c_int,
        dims: *mut *const i64,
    ) -> Status;
    fn inlay_model_set_weight(m: *mut InlayModel, i: usize, data: *const f32, n: usize) -> Status;
    fn inlay_model_get_weight(m: *const InlayModel, i: usize, data: *mut f32, n: usize) -> Status;
    fn inlay_model_predict(
        m: *mut InlayModel,
        inputs: *const *const InlayArray,
        n_inputs: usize,
        outputs: *mut *mut InlayArray,
        n_outputs: usize,
    ) -> Status;

    fn inlay_array_wrap(
        dtype: c_int,
        dims: *const i64,
        rank: c_int,
        data: *mut c_void,
        out: *mut *mut InlayArray,
    ) -> Status;
    fn inlay_array_free(a: *mut InlayArray);
    fn inlay_array_data(a: *const InlayArray) -> *mut c_void;
    fn inlay_array_rank(a: *const InlayArray) -> c_int;
    fn inlay_array_dims(a: *const InlayArray) -> *const i64;
    fn inlay_array_element_count(a: *const InlayArray) -> usize;
}

// ---- A small safe layer -------------------------------------------------------------------------------

/// A failed inlay call: its status and the library's message (Keras's text where Keras has one).
#[derive(Debug)]
struct InlayError {
    status: Status,
    message: String,
}

impl fmt::Display for InlayError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(
            f,
            "{}: {}",
            unsafe { borrowed_str(inlay_status_name(self.status)) },
            self.message
        )
    }
}

impl InlayError {
    /// An error of this program's own, reported as INLAY_INVALID_ARGUMENT.
    fn new(message: &str) -> InlayError {
        InlayError {
            status: INLAY_INVALID_ARGUMENT,
            message: message.to_string(),
        }
    }
}

type Result<T> = std::result::Result<T, InlayError>;

/// Copies a borrowed C string (NULL gives "").
unsafe fn borrowed_str(p: *const c_char) -> String {
    if p.is_null() {
        String::new()
    } else {
        CStr::from_ptr(p).to_string_lossy().into_owned()
    }
}

/// Turns a status into a Result, reading this thread's last error on failure.
fn check(status: Status) -> Result<()> {
    if status == INLAY_OK {
        Ok(())
    } else {
        Err(InlayError {
            status,
            message: unsafe { borrowed_str(inlay_last_error()) },
        })
    }
}

fn c_string(s: &str) -> Result<CString> {
    CString::new(s).map_err(|_| InlayError::new("string contains a NUL byte"))
}

/// An owned graph (inlay_graph_free on drop). Tensors and layers are borrowed from it.
struct Graph(*mut InlayGraph);

impl Drop for Graph {
    fn drop(&mut self) {
        unsafe { inlay_graph_free(self.0) }
    }
}

impl Graph {
    fn new() -> Result<Graph> {
        let mut g = ptr::null_mut();
        check(unsafe { inlay_graph_create(&mut g) })?;
        Ok(Graph(g))
    }

    /// keras.Input(**kwargs), kwargs as JSON.
    fn input(&self, kwargs_json: &str) -> Result<*mut InlayTensor> {
        let kwargs = c_string(kwargs_json)?;
        let mut t = ptr::null_mut();
        check(unsafe { inlay_input(self.0, kwargs.as_ptr(), ptr::null(), ptr::null(), &mut t) })?;
        Ok(t)
    }

    /// `LayerClass(**config)(x)` for a layer with one output.
    fn call_layer(
        &self,
        class_name: &str,
        config_json: &str,
        x: *mut InlayTensor,
    ) -> Result<*mut InlayTensor> {
        let (class_name, config) = (c_string(class_name)?, c_string(config_json)?);
        let mut layer = ptr::null_mut();
        check(unsafe {
            inlay_layer_create(self.0, class_name.as_ptr(), config.as_ptr(), &mut layer)
        })?;
        let mut y = ptr::null_mut();
        let mut n = 0usize;
        check(unsafe { inlay_layer_call(layer, &x, 1, &mut y, 1, &mut n) })?;
        Ok(y)
    }
}

/// An owned model (inlay_model_free on drop); it keeps its graph alive.
struct Model(*mut InlayModel);

impl Drop for Model {
    fn drop(&mut self) {
        unsafe { inlay_model_free(self.0) }
    }
}

impl Model {
    fn functional(
        g: &Graph,
        x: *mut InlayTensor,
        y: *mut InlayTensor,
        name: &str,
    ) -> Result<Model> {
        let name = c_string(name)?;
        let mut m = ptr::null_mut();
        check(unsafe { inlay_model_create(g.0, &x, 1, &y, 1, name.as_ptr(), &mut m) })?;
        Ok(Model(m))
    }

    fn load(path: &str) -> Result<Model> {
        let path = c_string(path)?;
        let mut m = ptr::null_mut();
        check(unsafe { inlay_model_load(path.as_ptr(), &mut m) })?;
        Ok(Model(m))
    }

    /// model.summary() text: made by the library for us, released with inlay_free.
    fn summary(&self) -> Result<String> {
        let mut text: *mut c_char = ptr::null_mut();
        check(unsafe { inlay_model_summary(self.0, &mut text) })?;
        let s = unsafe { borrowed_str(text) };
        unsafe { inlay_free(text as *mut c_void) };
        Ok(s)
    }

    /// (path, dims) of model.weights[i].
    fn weight_info(&self, i: usize) -> Result<(String, Vec<i64>)> {
        let (mut name, mut rank, mut dims) = (ptr::null(), 0 as c_int, ptr::null());
        check(unsafe { inlay_model_weight_info(self.0, i, &mut name, &mut rank, &mut dims) })?;
        let dims = if rank > 0 {
            unsafe { std::slice::from_raw_parts(dims, rank as usize) }.to_vec()
        } else {
            Vec::new()
        };
        Ok((unsafe { borrowed_str(name) }, dims))
    }

    fn set_weight(&mut self, i: usize, values: &[f32]) -> Result<()> {
        check(unsafe { inlay_model_set_weight(self.0, i, values.as_ptr(), values.len()) })
    }

    fn get_weight(&self, i: usize, values: &mut [f32]) -> Result<()> {
        check(unsafe { inlay_model_get_weight(self.0, i, values.as_mut_ptr(), values.len()) })
    }

    /// model.predict on one input; the output array is allocated by the library and owned by the result.
    fn predict(&self, x: &Array) -> Result<Array> {
        let inputs = [x.raw as *const InlayArray];
        let mut out: *mut InlayArray = ptr::null_mut();
        check(unsafe { inlay_model_predict(self.0, inputs.as_ptr(), 1, &mut out, 1) })?;
        Ok(Array {
            raw: out,
            _data: None,
        })
    }
}

/// An inlay array (inlay_array_free on drop). A wrapped one borrows the Vec it was made from, kept here.
struct Array {
    raw: *mut InlayArray,
    _data: Option<Vec<f32>>,
}

impl Drop for Array {
    fn drop(&mut self) {
        unsafe { inlay_array_free(self.raw) } // before _data is dropped: fields drop after this
    }
}

impl Array {
    /// A float32 array over `data` (row-major), zero-copy: the Vec moves into the Array.
    fn wrap(mut data: Vec<f32>, dims: &[i64]) -> Result<Array> {
        let mut raw = ptr::null_mut();
        check(unsafe {
            inlay_array_wrap(
                INLAY_FLOAT32,
                dims.as_ptr(),
                dims.len() as c_int,
                data.as_mut_ptr() as *mut c_void,
                &mut raw,
            )
        })?;
        Ok(Array {
            raw,
            _data: Some(data),
        })
    }

    fn dims(&self) -> Vec<i64> {
        let rank = unsafe { inlay_array_rank(self.raw) };
        if rank <= 0 {
            return Vec::new();
        }
        unsafe { std::slice::from_raw_parts(inlay_array_dims(self.raw), rank as usize) }.to_vec()
    }

    /// The float32 elements (every output of inlay_model_predict is float32).
    fn as_f32(&self) -> &[f32] {
        let n = unsafe { inlay_array_element_count(self.raw) };
        let p = unsafe { inlay_array_data(self.raw) } as *const f32;
        if n == 0 || p.is_null() {
            &[]
        } else {
            unsafe { std::slice::from_raw_parts(p, n) }
        }
    }
}

// ---- The example ----------------------------------------------------------------------------------------

const BATCH: usize = 4;
const IN: usize = 32;
const UNITS: usize = 16;

/// x = Input(shape=(32,)); y = Dense(16, activation="softmax")(x); Model(x, y)
fn build_model() -> Result<Model> {
    let g = Graph::new()?;
    let x = g.input(r#"{"shape":[32]}"#)?;
    let y = g.call_layer("Dense", r#"{"units":16,"activation":"softmax"}"#, x)?;
    Model::functional(&g, x, y, "logistic_regression") // g drops here; the model keeps the graph alive
}

fn run() -> Result<bool> {
    println!("inlay {} (from Rust)", unsafe {
        borrowed_str(inlay_version())
    });
    let args: Vec<String> = std::env::args().collect();
    let mut w = vec![0f32; IN * UNITS];
    let mut b = vec![0f32; UNITS];

    let model = if args.len() > 1 {
        let model = Model::load(&args[1])?;
        let shapes_ok = unsafe { inlay_model_weight_count(model.0) } == 2
            && model.weight_info(0)?.1 == vec![IN as i64, UNITS as i64]
            && model.weight_info(1)?.1 == vec![UNITS as i64];
        if !shapes_ok {
            return Err(InlayError::new(
                "not the logistic regression (one Dense(16) on a (None, 32) input)",
            ));
        }
        model.get_weight(0, &mut w)?; // the file's weights, for the reference
        model.get_weight(1, &mut b)?;
        model
    } else {
        let mut model = build_model()?;
        // model.weights: dense/kernel (32, 16), dense/bias (16,). The same known values as the C example.
        for (i, v) in w.iter_mut().enumerate() {
            *v = ((i * 37 % 101) as f32 - 50.0) / 100.0;
        }
        for (j, v) in b.iter_mut().enumerate() {
            *v = (j as f32 - (UNITS / 2) as f32) / 20.0;
        }
        let (kernel_name, kernel_dims) = model.weight_info(0)?;
        println!(
            "setting {} {:?} and {}",
            kernel_name,
            kernel_dims,
            model.weight_info(1)?.0
        );
        model.set_weight(0, &w)?;
        model.set_weight(1, &b)?;
        model
    };
    print!("{}", model.summary()?);

    let x: Vec<f32> = (0..BATCH * IN)
        .map(|i| ((i * 13 % 17) as f32 - 8.0) / 8.0)
        .collect();
    let input = Array::wrap(x.clone(), &[BATCH as i64, IN as i64])?;
    let output = model.predict(&input)?;
    if output.dims() != vec![BATCH as i64, UNITS as i64] {
        return Err(InlayError::new("unexpected output shape"));
    }
    let y = output.as_f32();

    // The reference: softmax(x @ W + b) in f64.
    let mut max_diff = 0f64;
    for n in 0..BATCH {
        let logits: Vec<f64> = (0..UNITS)
            .map(|j| {
                b[j] as f64
                    + (0..IN)
                        .map(|i| x[n * IN + i] as f64 * w[i * UNITS + j] as f64)
                        .sum::<f64>()
            })
            .collect();
        let top = logits.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
        let exps: Vec<f64> = logits.iter().map(|l| (l - top).exp()).collect();
        let sum: f64 = exps.iter().sum();
        let got: Vec<String> = (0..UNITS)
            .map(|j| format!("{:.5}", y[n * UNITS + j]))
            .collect();
        let want: Vec<String> = exps.iter().map(|e| format!("{:.5}", e / sum)).collect();
        println!(
            "sample {}\n  inlay    : {}\n  reference: {}",
            n,
            got.join(" "),
            want.join(" ")
        );
        for j in 0..UNITS {
            let d = (y[n * UNITS + j] as f64 - exps[j] / sum).abs();
            max_diff = if d.is_nan() || d > max_diff {
                d
            } else {
                max_diff
            };
        }
    }
    println!("max |inlay - reference| = {:.3e}", max_diff);
    let matches = max_diff <= 1e-5; // false for NaN

    // A deliberate error: a (2, 5) batch for a (None, 32) input gives Keras's message, as an Err.
    let bad = Array::wrap(vec![0f32; 10], &[2, 5])?;
    match model.predict(&bad) {
        Ok(_) => {
            return Err(InlayError::new(
                "predict on a (2, 5) batch unexpectedly succeeded",
            ))
        }
        Err(e) if e.status == INLAY_SHAPE_MISMATCH => println!("deliberate error: {}", e),
        Err(e) => return Err(e),
    }
    Ok(matches)
}

fn main() {
    match run() {
        Ok(true) => println!("OK: logistic regression matches the reference"),
        Ok(false) => {
            eprintln!("MISMATCH: inlay's output differs from the reference by more than 1e-5");
            std::process::exit(1);
        }
        Err(e) => {
            eprintln!("inlay error: {}", e);
            std::process::exit(1);
        }
    }
}
