//! Why a page has no shared memory — it is not cross-origin isolated — and how to fix that, in
//! one wording that the pool line, the engines' rows and the engines' own errors all build on.

/// The reason.
const NOT_ISOLATED: &str = "the page is not cross-origin isolated";
/// What the page did about it: the boot script picks the module without threads.
const SINGLE_THREADED_BUILD: &str = "so it loaded its single-threaded build";
/// The headers that make a page cross-origin isolated.
const HEADERS: &str =
    "Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp";
/// The fix without a server's help: the page's service worker adds the headers.
const SERVICE_WORKER: &str = "or let its service worker add them (one reload)";

/// The pool line in the single-threaded module: why it has no shared memory, and both fixes.
pub fn loaded_single_threaded() -> String {
    format!("{NOT_ISOLATED}, {SINGLE_THREADED_BUILD}: serve it with {HEADERS}, {SERVICE_WORKER}")
}

/// The pool line in the threaded module on a page that is not isolated: why its memory is not
/// shared, and the server's fix.
pub fn may_not_share_memory() -> String {
    format!("{NOT_ISOLATED}, so it may not share memory with workers: serve it with {HEADERS}")
}

/// A shared-memory engine's row in the single-threaded module; the fix is on the pool line.
pub fn shared_memory_off() -> String {
    format!(
        "off: {NOT_ISOLATED}, {SINGLE_THREADED_BUILD} (how to fix it: see the shared-memory pool \
         line above)"
    )
}

/// An isolated-worker engine's row in the threaded module on a page that is not isolated.
pub fn cannot_start_workers() -> String {
    format!("{NOT_ISOLATED}, so it cannot start workers with this module")
}

/// What the single-threaded module's engines answer when asked for shared memory: why, and
/// both fixes.
pub fn no_shared_memory_engines() -> String {
    format!(
        "shared memory is off: {NOT_ISOLATED}, {SINGLE_THREADED_BUILD}. To fix it, serve the \
         page with {HEADERS}, {SERVICE_WORKER}"
    )
}

/// The playground's notice in the single-threaded module, which has no script interpreter.
pub fn playground_without_scripts() -> String {
    format!(
        "scripts cannot run here: {NOT_ISOLATED}, {SINGLE_THREADED_BUILD}, which has no script \
         interpreter. To fix it, serve the page with {HEADERS}, {SERVICE_WORKER}"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_text_gives_the_one_reason_in_the_same_words() {
        assert_eq!(
            loaded_single_threaded(),
            "the page is not cross-origin isolated, so it loaded its single-threaded build: \
             serve it with Cross-Origin-Opener-Policy: same-origin and \
             Cross-Origin-Embedder-Policy: require-corp, or let its service worker add them \
             (one reload)"
        );
        assert_eq!(
            may_not_share_memory(),
            "the page is not cross-origin isolated, so it may not share memory with workers: \
             serve it with Cross-Origin-Opener-Policy: same-origin and \
             Cross-Origin-Embedder-Policy: require-corp"
        );
        assert_eq!(
            shared_memory_off(),
            "off: the page is not cross-origin isolated, so it loaded its single-threaded \
             build (how to fix it: see the shared-memory pool line above)"
        );
        assert_eq!(
            cannot_start_workers(),
            "the page is not cross-origin isolated, so it cannot start workers with this module"
        );
        assert_eq!(
            no_shared_memory_engines(),
            "shared memory is off: the page is not cross-origin isolated, \
             so it loaded its single-threaded build. To fix it, serve the page with \
             Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp, \
             or let its service worker add them (one reload)"
        );
        for text in [
            loaded_single_threaded(),
            may_not_share_memory(),
            shared_memory_off(),
            cannot_start_workers(),
            no_shared_memory_engines(),
        ] {
            assert!(text.contains(NOT_ISOLATED), "{text}");
        }
        for text in [loaded_single_threaded(), no_shared_memory_engines()] {
            assert!(text.contains(HEADERS), "{text}");
            assert!(text.ends_with(SERVICE_WORKER), "{text}");
        }
    }
}
