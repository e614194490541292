//! Shared by the browser test files: the shared-memory pool, started once per test page.

use corescope::web::engines::shared_pool;
use futures::FutureExt;
use futures::future::Shared;
use std::cell::RefCell;
use std::pin::Pin;

type PoolStart = Shared<Pin<Box<dyn Future<Output = Result<usize, String>>>>>;

/// Starts the page's shared-memory pool, which may grow to `threads` threads, once: every test in a file shares
/// the page, and starting it again would replace the pool under a running test (so every call
/// in a file passes the same size).
pub async fn pool(threads: usize) {
    thread_local! {
        static START: RefCell<Option<PoolStart>> = const { RefCell::new(None) };
    }
    let start = START.with(|s| {
        s.borrow_mut()
            .get_or_insert_with(|| {
                (Box::pin(shared_pool::start_pool(threads)) as Pin<Box<dyn Future<Output = _>>>)
                    .shared()
            })
            .clone()
    });
    start
        .await
        .expect("the shared-memory pool starts in a cross-origin isolated test page");
}
