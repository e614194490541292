//! Shared by the browser test files: the shared-memory pool, started once per test page.

use corescope::web::engines::shared_pool;
use futures::FutureExt;
use futures::future::Shared;
use std::cell::RefCell;
use std::pin::Pin;

/// The pool's size in tests: enough for the seeds' ten workers.
pub const POOL_THREADS: usize = 16;

type PoolStart = Shared<Pin<Box<dyn Future<Output = Result<(), String>>>>>;

/// rayon's global pool can be started once per page, and every test in a file shares the page.
pub async fn pool() {
    thread_local! {
        static START: RefCell<Option<PoolStart>> = const { RefCell::new(None) };
    }
    let start = START.with(|s| {
        s.borrow_mut()
            .get_or_insert_with(|| {
                (Box::pin(shared_pool::start_pool(POOL_THREADS))
                    as Pin<Box<dyn Future<Output = _>>>)
                    .shared()
            })
            .clone()
    });
    start
        .await
        .expect("the shared-memory pool starts in a cross-origin isolated test page");
}
