//! The address bar, the clipboard and downloads: where share links and exports meet the browser.

use crate::machine::{Date, Machine, browser_name};
use crate::web::platform::{self, document, window};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

fn describe(e: JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| format!("{e:?}"))
}

/// The page's fragment without its `#` (empty when there is none).
pub fn fragment() -> String {
    window()
        .and_then(|w| w.location().hash())
        .map(|h| h.trim_start_matches('#').to_string())
        .unwrap_or_default()
}

/// Puts `fragment` in the address bar without a reload or a new history entry.
pub fn replace_fragment(fragment: &str) {
    if let Ok(history) = window().and_then(|w| w.history()) {
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&format!("#{fragment}")));
    }
}

/// The page's address with `fragment`.
pub fn page_url(fragment: &str) -> String {
    let href = window()
        .and_then(|w| w.location().href())
        .unwrap_or_default();
    let base = href.split('#').next().unwrap_or_default();
    format!("{base}#{fragment}")
}

/// Opens the playground (the page with the script interpreter) at `fragment`, in place of this
/// page: where a link carrying a script belongs.
pub fn open_playground(fragment: &str) {
    if let Ok(w) = window() {
        let _ = w.location().replace(&format!("play.html#{fragment}"));
    }
}

/// Today's date on this machine.
pub fn today() -> Date {
    let now = String::from(js_sys::Date::new_0().to_iso_string());
    Date::from_iso(&now).unwrap_or(Date {
        year: 2000,
        month: 1,
        day: 1,
    })
}

/// An export's file name: `corescope-YYYY-MM-DD.EXT`, dated when it is saved.
pub fn export_file(ext: &str) -> String {
    format!("corescope-{}.{ext}", today())
}

/// This machine's facts, as a share link carries them, with the effective cores if measured.
pub fn machine(effective_cores: Option<usize>) -> Machine {
    let user_agent = window()
        .and_then(|w| w.navigator().user_agent())
        .unwrap_or_default();
    Machine {
        hardware_concurrency: platform::hardware_concurrency(),
        browser: browser_name(&user_agent),
        cross_origin_isolated: platform::cross_origin_isolated(),
        date: today(),
        effective_cores,
    }
}

/// Writes `text` to the clipboard; the error says why the browser refused.
pub async fn copy(text: &str) -> Result<(), String> {
    let clipboard = window().map_err(describe)?.navigator().clipboard();
    JsFuture::from(clipboard.write_text(text))
        .await
        .map(|_| ())
        .map_err(describe)
}

fn save_url(url: &str, file_name: &str) -> Result<(), JsValue> {
    let a: web_sys::HtmlAnchorElement = document()?.create_element("a")?.unchecked_into();
    a.set_href(url);
    a.set_download(file_name);
    a.click();
    Ok(())
}

/// Offers `text` as a file to save.
pub fn download(file_name: &str, mime: &str, text: &str) -> Result<(), String> {
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob =
        web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).map_err(describe)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(describe)?;
    let saved = save_url(&url, file_name).map_err(describe);
    // The click has started the download: the URL can go once the browser has read it.
    let revoke = url.clone();
    gloo_timers::callback::Timeout::new(10_000, move || {
        let _ = web_sys::Url::revoke_object_url(&revoke);
    })
    .forget();
    saved
}

/// Draws an SVG of `width` × `height` px into a PNG at twice that size and offers it to save.
pub async fn download_png(
    file_name: &str,
    svg: &str,
    width: u32,
    height: u32,
) -> Result<(), String> {
    let image = web_sys::HtmlImageElement::new().map_err(describe)?;
    image.set_src(&format!(
        "data:image/svg+xml;charset=utf-8,{}",
        js_sys::encode_uri_component(svg)
    ));
    JsFuture::from(image.decode()).await.map_err(describe)?;
    let canvas: web_sys::HtmlCanvasElement = document()
        .and_then(|d| d.create_element("canvas"))
        .map_err(describe)?
        .unchecked_into();
    canvas.set_width(width * 2);
    canvas.set_height(height * 2);
    let context: web_sys::CanvasRenderingContext2d = canvas
        .get_context("2d")
        .map_err(describe)?
        .ok_or("this browser gives no 2D canvas")?
        .unchecked_into();
    context
        .draw_image_with_html_image_element_and_dw_and_dh(
            &image,
            0.0,
            0.0,
            f64::from(width * 2),
            f64::from(height * 2),
        )
        .map_err(describe)?;
    let url = canvas
        .to_data_url_with_type("image/png")
        .map_err(describe)?;
    save_url(&url, file_name).map_err(describe)
}
