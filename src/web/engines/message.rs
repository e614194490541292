//! Messages between the page and the workers it starts: postcard's compact binary form in a
//! buffer that is transferred, not copied. 64-bit integers, floats and big numbers cross exactly,
//! and nothing is written or parsed as text.

use serde::Serialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::{JsCast, JsValue};

/// `value` as a message: its bytes in a fresh buffer, and the list that transfers that buffer.
pub(crate) fn written(value: &impl Serialize) -> (JsValue, js_sys::Array) {
    let bytes = postcard::to_allocvec(value).expect("postcard writes these types to a Vec");
    let buffer = js_sys::Uint8Array::from(bytes.as_slice()).buffer();
    (buffer.clone().into(), js_sys::Array::of1(&buffer))
}

/// Whether `data` is a message [`written`] wrote (the workers' bootstrap posts plain objects).
pub(crate) fn is_written(data: &JsValue) -> bool {
    data.is_instance_of::<js_sys::ArrayBuffer>()
}

/// The value in a message [`written`] wrote; says why when it is not one.
pub(crate) fn read<T: DeserializeOwned>(data: &JsValue) -> Result<T, String> {
    let buffer = data
        .dyn_ref::<js_sys::ArrayBuffer>()
        .ok_or("the message is not a buffer")?;
    postcard::from_bytes(&js_sys::Uint8Array::new(buffer).to_vec()).map_err(|e| e.to_string())
}
