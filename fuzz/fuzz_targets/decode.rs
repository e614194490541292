//! The share-link decoder on every input libFuzzer makes. Each input is taken twice:
//! - as a link's fields, framed the way the page frames them (checksum, base64, `#v1.`), so that
//!   mutations reach the field checks instead of stopping at the checksum;
//! - as the text after the `#`, whatever a visitor pastes.
//!
//! Neither may panic, and a link that decodes must re-encode to one that decodes to the same.
#![no_main]

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use corescope::share::{decode, encode};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut framed = data.to_vec();
    framed.extend_from_slice(&crc32fast::hash(data).to_le_bytes());
    let link = format!("#v1.{}", URL_SAFE_NO_PAD.encode(&framed));
    if let Ok(decoded) = decode(&link) {
        assert_eq!(decode(&encode(&decoded)).as_ref(), Ok(&decoded));
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = decode(text);
    }
});
