//! The threaded module's allocator: small blocks from lists of each thread's own, in front of std's.
//!
//! std's allocator on wasm32 with atomics is dlmalloc behind one global lock that spins
//! (rust-lang/rust#54950). Every pool thread takes it for every allocation and every free, so
//! tasks that allocate as they go (the playground's interpreter, bigints, lists) queue for it,
//! and a spinning waiter burns the very core its holder needs when the machine is busy. Threads
//! without a GIL then seem not to help, which is the opposite of the lesson.
//!
//! Here small requests (up to [`MAX_CACHED`] bytes, in [`CLASSES`] size classes) are served as
//! tcmalloc and mimalloc serve them: each thread keeps a free list per class and takes from it and
//! gives back to it without any lock. An empty list is refilled with a batch of blocks, from the
//! class's central list (a short spin lock per class, taken once per batch) or else carved from
//! one new allocation of std's; a list that grows past two batches hands one batch to the central
//! list, where any thread can take it. Blocks of small classes are never given back to std's
//! allocator: their memory stays for blocks of the same class (a WebAssembly memory never shrinks
//! anyway). Larger or more aligned requests go straight to std's.
//!
//! wasm-bindgen starts each thread by allocating its stack and its thread-local block *before*
//! that block exists, while the thread-local base still reads 0 (and after the thread ends it is
//! set to `i32::MIN`). A thread-local's address is then not in the heap, so a thread's lists are
//! used only where it is; other requests go to the central lists (small) or to std's.

use std::alloc::{GlobalAlloc, Layout};
use std::cell::{Cell, UnsafeCell};
use std::ptr::{self, null_mut};
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::LocalKey;

/// The largest request served from the lists; larger ones go straight to std's allocator.
pub const MAX_CACHED: usize = 32 * 1024;
/// Requests aligned to more than this go straight to std's allocator (blocks are aligned to it).
pub const BLOCK_ALIGN: usize = 8;
/// Size classes: 16 to 128 bytes in steps of 16, then four per power of two up to
/// [`MAX_CACHED`], so a block wastes at most a quarter of itself past 128 bytes.
pub const CLASSES: usize = 8 + 4 * (MAX_CACHED.trailing_zeros() as usize - 7);
/// About the bytes of one batch: what a refill carves at once, and what moves between a thread
/// and a central list.
const BATCH_BYTES: usize = 16 * 1024;
/// The most blocks in a batch.
const BATCH_MOST: usize = 64;

/// The size class of a request of `size` bytes (1 to [`MAX_CACHED`]).
pub fn class_of(size: usize) -> usize {
    if size <= 128 {
        return size.saturating_sub(1) / 16;
    }
    // size is in (2^p, 2^(p+1)], in steps of 2^(p-2).
    let p = (usize::BITS - 1 - (size - 1).leading_zeros()) as usize;
    8 + (p - 7) * 4 + ((size - 1 - (1 << p)) >> (p - 2))
}

/// The bytes of a block of class `class`.
pub fn class_size(class: usize) -> usize {
    if class < 8 {
        return (class + 1) * 16;
    }
    let past_128 = class - 8;
    let (p, j) = (7 + past_128 / 4, past_128 % 4 + 1);
    (1 << p) + (j << (p - 2))
}

/// The blocks of a batch of class `class`.
pub fn batch(class: usize) -> usize {
    (BATCH_BYTES / class_size(class)).clamp(2, BATCH_MOST)
}

/// A free block's first word: the next block of its list.
///
/// # Safety
/// `block` is a free block of at least two words, aligned to [`BLOCK_ALIGN`].
unsafe fn next(block: *mut u8) -> *mut u8 {
    unsafe { ptr::read(block.cast::<*mut u8>()) }
}

/// # Safety
/// As [`next`].
unsafe fn set_next(block: *mut u8, to: *mut u8) {
    unsafe { ptr::write(block.cast::<*mut u8>(), to) }
}

/// A batch's first block's second word: the next batch of a central list.
///
/// # Safety
/// As [`next`].
unsafe fn next_batch(block: *mut u8) -> *mut *mut u8 {
    unsafe { block.cast::<*mut u8>().add(1) }
}

/// One thread's free blocks: a list per class, linked through each block's first word. Aligned
/// to a cache line, so that no other thread's data shares the lines it writes at every call.
#[repr(align(64))]
pub struct Cache {
    heads: [Cell<*mut u8>; CLASSES],
    counts: [Cell<u32>; CLASSES],
}

impl Cache {
    pub const fn new() -> Self {
        Self {
            heads: [const { Cell::new(null_mut()) }; CLASSES],
            counts: [const { Cell::new(0) }; CLASSES],
        }
    }

    /// Free blocks this thread keeps in class `class`.
    pub fn kept(&self, class: usize) -> u32 {
        self.counts[class].get()
    }

    fn pop(&self, class: usize) -> *mut u8 {
        let head = self.heads[class].get();
        if !head.is_null() {
            // SAFETY: a listed block is free and `push` or `take` linked it.
            self.heads[class].set(unsafe { next(head) });
            self.counts[class].set(self.counts[class].get() - 1);
        }
        head
    }

    /// Lists `block`; returns a batch taken off the list when the list has grown past two.
    fn push(&self, class: usize, block: *mut u8) -> Option<*mut u8> {
        // SAFETY: `block` is a freed block of this class, owned by nobody now.
        unsafe { set_next(block, self.heads[class].get()) };
        self.heads[class].set(block);
        let count = self.counts[class].get() + 1;
        self.counts[class].set(count);
        let n = batch(class);
        if (count as usize) <= 2 * n {
            return None;
        }
        // The list keeps its `n + 1` most recent blocks, the ones likeliest still in this core's
        // cache; the `n` after them leave as a batch.
        let mut kept_last = block;
        for _ in 0..n {
            // SAFETY: the list holds 2n + 1 linked blocks.
            kept_last = unsafe { next(kept_last) };
        }
        // SAFETY: as above: the batch is the next `n` blocks, and nothing follows them.
        let first = unsafe { next(kept_last) };
        let mut last = first;
        for _ in 1..n {
            // SAFETY: as above.
            last = unsafe { next(last) };
        }
        // SAFETY: as above.
        unsafe {
            debug_assert!(next(last).is_null());
            set_next(kept_last, null_mut());
        }
        self.counts[class].set(count - n as u32);
        Some(first)
    }

    /// Takes a batch of `class`: `n` blocks linked from `first`, the last pointing nowhere.
    fn take(&self, class: usize, first: *mut u8, n: usize) {
        debug_assert!(self.heads[class].get().is_null());
        self.heads[class].set(first);
        self.counts[class].set(n as u32);
    }
}

impl Default for Cache {
    fn default() -> Self {
        Self::new()
    }
}

/// A class's central list: batches that threads handed back, for any thread to take.
#[repr(align(64))]
struct Central {
    locked: AtomicBool,
    /// The first block of the first batch; batches are linked through their first block's
    /// second word.
    batches: UnsafeCell<*mut u8>,
}

// SAFETY: `batches` is only touched while `locked` is held.
unsafe impl Sync for Central {}

impl Central {
    const fn new() -> Self {
        Self {
            locked: AtomicBool::new(false),
            batches: UnsafeCell::new(null_mut()),
        }
    }

    /// Runs `f` on the list with the lock held. A spin lock, like std's allocator's: the page's
    /// own thread may not block, and the lock is held for a few instructions, once per batch.
    fn with<R>(&self, f: impl FnOnce(&mut *mut u8) -> R) -> R {
        while self
            .locked
            .compare_exchange_weak(false, true, Ordering::Acquire, Ordering::Relaxed)
            .is_err()
        {
            while self.locked.load(Ordering::Relaxed) {
                std::hint::spin_loop();
            }
        }
        // SAFETY: the lock is held.
        let r = f(unsafe { &mut *self.batches.get() });
        self.locked.store(false, Ordering::Release);
        r
    }

    fn put(&self, batch: *mut u8) {
        self.with(|batches| {
            // SAFETY: `batch` is a free batch's first block.
            unsafe { *next_batch(batch) = *batches };
            *batches = batch;
        });
    }

    fn get(&self) -> *mut u8 {
        self.with(|batches| {
            let batch = *batches;
            if !batch.is_null() {
                // SAFETY: a listed batch's first block, which `put` linked.
                *batches = unsafe { *next_batch(batch) };
            }
            batch
        })
    }
}

/// A [`GlobalAlloc`] that serves small requests from each thread's [`Cache`] and passes the rest
/// to `A`. `cache` is the thread-local the caches live in; a `ThreadCache` must be the only one
/// to use its `cache`.
pub struct ThreadCache<A: 'static> {
    behind: A,
    cache: &'static LocalKey<Cache>,
    central: [Central; CLASSES],
}

impl<A: GlobalAlloc> ThreadCache<A> {
    pub const fn new(behind: A, cache: &'static LocalKey<Cache>) -> Self {
        Self {
            behind,
            cache,
            central: [const { Central::new() }; CLASSES],
        }
    }

    /// The class that serves `layout`, if the lists do.
    fn class(layout: Layout) -> Option<usize> {
        (layout.size() <= MAX_CACHED && layout.align() <= BLOCK_ALIGN)
            .then(|| class_of(layout.size()))
    }

    /// Calls `f` with this thread's cache, when the thread has one yet (see the module's notes).
    fn with_cache<R>(&self, f: impl FnOnce(&Cache) -> R) -> Option<R> {
        self.cache.with(|cache| {
            let at = ptr::from_ref(cache) as usize;
            // Natively a thread-local is always in place; in wasm32 it is in the heap, which
            // starts past the first 64 KiB page, once the thread's block is set up.
            let set_up = cfg!(not(target_arch = "wasm32")) || (0x1_0000..0x8000_0000).contains(&at);
            set_up.then(|| f(cache))
        })
    }

    fn block(class: usize) -> Layout {
        // SAFETY: a class size is non-zero and a multiple of BLOCK_ALIGN, a power of two.
        unsafe { Layout::from_size_align_unchecked(class_size(class), BLOCK_ALIGN) }
    }

    /// A fresh batch of `class`: `n` blocks carved from one allocation behind, linked, the
    /// last pointing nowhere; null when out of memory.
    fn carve(&self, class: usize, n: usize) -> *mut u8 {
        let size = class_size(class);
        // SAFETY: non-zero, and a multiple of the alignment, a power of two.
        let chunk = unsafe {
            self.behind
                .alloc(Layout::from_size_align_unchecked(size * n, BLOCK_ALIGN))
        };
        if chunk.is_null() {
            return chunk;
        }
        for k in 0..n {
            // SAFETY: each block lies inside the chunk, aligned, and is free.
            unsafe {
                let block = chunk.add(k * size);
                let after = if k + 1 < n {
                    block.add(size)
                } else {
                    null_mut()
                };
                set_next(block, after);
            }
        }
        chunk
    }

    /// A block of `class` for a thread whose list `cache` is empty: the first of a batch from
    /// the central list or freshly carved, the rest of which becomes the list.
    fn refill(&self, cache: &Cache, class: usize) -> *mut u8 {
        let n = batch(class);
        let mut first = self.central[class].get();
        if first.is_null() {
            first = self.carve(class, n);
            if first.is_null() {
                return first;
            }
        }
        // SAFETY: a batch: `n` linked blocks (n ≥ 2).
        cache.take(class, unsafe { next(first) }, n - 1);
        first
    }
}

// SAFETY: every block handed out is either `A`'s own allocation for the request or a block of a
// class at least as large and as aligned as the request asks, carved from an allocation of `A`
// that is never freed; a block is in at most one list; a thread's lists are only touched by
// that thread, and the central lists under their locks.
unsafe impl<A: GlobalAlloc> GlobalAlloc for ThreadCache<A> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let Some(class) = Self::class(layout) else {
            // SAFETY: the caller's layout, passed on.
            return unsafe { self.behind.alloc(layout) };
        };
        match self.with_cache(|cache| match cache.pop(class) {
            block if block.is_null() => self.refill(cache, class),
            block => block,
        }) {
            Some(block) => block,
            // A thread without its list yet (wasm-bindgen allocating a thread's thread-local
            // block): a block of the class on its own, which joins the lists once freed.
            // SAFETY: a valid, non-zero layout.
            None => unsafe { self.behind.alloc(Self::block(class)) },
        }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if Self::class(layout).is_none() {
            // SAFETY: the caller's layout, passed on (fresh memory needs no zeroing behind).
            return unsafe { self.behind.alloc_zeroed(layout) };
        }
        // SAFETY: as `alloc`; the block holds at least `layout.size()` bytes.
        unsafe {
            let block = self.alloc(layout);
            if !block.is_null() {
                ptr::write_bytes(block, 0, layout.size());
            }
            block
        }
    }

    unsafe fn dealloc(&self, block: *mut u8, layout: Layout) {
        let Some(class) = Self::class(layout) else {
            // SAFETY: allocated behind with this layout.
            return unsafe { self.behind.dealloc(block, layout) };
        };
        if let Some(Some(batch)) = self.with_cache(|cache| cache.push(class, block)) {
            self.central[class].put(batch);
        }
        // A thread whose list is gone (wasm-bindgen freeing an ended thread's thread-local
        // block, once per thread) keeps the block: a block of a small class never goes back
        // behind, and a lone block would break the central lists' whole batches.
    }

    unsafe fn realloc(&self, block: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller promises `new_size` makes a valid layout with this alignment.
        let new = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        match (Self::class(layout), Self::class(new)) {
            // SAFETY: allocated behind with `layout`.
            (None, None) => unsafe { self.behind.realloc(block, layout, new_size) },
            (Some(a), Some(b)) if a == b => block,
            _ => {
                // SAFETY: `new` is valid; the two blocks are distinct, and both hold the bytes
                // copied.
                unsafe {
                    let moved = self.alloc(new);
                    if !moved.is_null() {
                        ptr::copy_nonoverlapping(block, moved, layout.size().min(new_size));
                        self.dealloc(block, layout);
                    }
                    moved
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::alloc::System;

    #[test]
    fn every_size_has_the_smallest_class_that_holds_it() {
        assert_eq!(CLASSES, 40);
        assert_eq!(class_size(CLASSES - 1), MAX_CACHED);
        for class in 1..CLASSES {
            assert!(class_size(class) > class_size(class - 1));
            assert_eq!(class_size(class) % BLOCK_ALIGN, 0);
        }
        for size in 1..=MAX_CACHED {
            let class = class_of(size);
            assert!(class_size(class) >= size, "{size} in class {class}");
            assert!(class == 0 || class_size(class - 1) < size, "{size}");
        }
        assert_eq!((class_of(16), class_of(17), class_of(129)), (0, 1, 8));
        assert_eq!(
            (class_size(8), class_size(11), class_size(12)),
            (160, 256, 320)
        );
        assert_eq!(
            (batch(0), batch(class_of(1024)), batch(CLASSES - 1)),
            (64, 16, 2)
        );
    }

    thread_local! {
        static CACHE: Cache = const { Cache::new() };
        /// Calls that reached std's allocator from this thread: allocations, frees.
        static BEHIND: Cell<(usize, usize)> = const { Cell::new((0, 0)) };
    }

    /// std's allocator, counting the calls that reach it.
    struct Counting;

    unsafe impl GlobalAlloc for Counting {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            BEHIND.set((BEHIND.get().0 + 1, BEHIND.get().1));
            unsafe { System.alloc(layout) }
        }
        unsafe fn dealloc(&self, block: *mut u8, layout: Layout) {
            BEHIND.set((BEHIND.get().0, BEHIND.get().1 + 1));
            unsafe { System.dealloc(block, layout) }
        }
    }

    /// Each test its own allocator, so that none takes another's central lists.
    fn allocator() -> &'static ThreadCache<Counting> {
        Box::leak(Box::new(ThreadCache::new(Counting, &CACHE)))
    }

    fn behind() -> (usize, usize) {
        BEHIND.get()
    }

    fn layout(size: usize) -> Layout {
        Layout::from_size_align(size, 8).unwrap()
    }

    #[test]
    fn a_batch_is_carved_at_once_and_freed_blocks_come_back_without_a_lock() {
        let alloc = allocator();
        std::thread::spawn(move || unsafe {
            let class = class_of(100);
            let n = batch(class);
            let before = behind();
            let blocks: Vec<_> = (0..n).map(|_| alloc.alloc(layout(100))).collect();
            assert_eq!(
                behind(),
                (before.0 + 1, before.1),
                "one allocation behind for the batch"
            );
            let mut sorted = blocks.clone();
            sorted.sort();
            sorted.dedup();
            assert_eq!(sorted.len(), n, "distinct blocks");
            assert!(
                sorted
                    .windows(2)
                    .all(|w| w[1] as usize - w[0] as usize >= class_size(class)),
                "none overlaps"
            );
            let a = blocks[3];
            a.write_bytes(7, 100);
            alloc.dealloc(a, layout(100));
            // Any size of the same class (97–112 bytes) gets the same block back.
            let b = alloc.alloc(Layout::from_size_align(110, 4).unwrap());
            assert_eq!(b, a);
            let zeroed = Layout::from_size_align(110, 4).unwrap();
            alloc.dealloc(b, zeroed);
            let z = alloc.alloc_zeroed(zeroed);
            assert_eq!(z, a);
            assert!((0..110).all(|i| *z.add(i) == 0), "zeroed as asked");
            assert_eq!(
                behind(),
                (before.0 + 1, before.1),
                "nothing else went behind"
            );
            // The next block past the batch carves the next batch.
            let more = alloc.alloc(layout(100));
            assert_eq!(behind().0, before.0 + 2);
            for &p in blocks.iter().filter(|&&p| p != a).chain([z, more].iter()) {
                alloc.dealloc(p, layout(100));
            }
            assert_eq!(behind().1, before.1, "small blocks never go back behind");
            // Too large, or aligned more than blocks are: straight behind, both ways.
            for layout in [
                layout(MAX_CACHED + 1),
                Layout::from_size_align(64, 16).unwrap(),
            ] {
                let before = behind();
                let p = alloc.alloc(layout);
                alloc.dealloc(p, layout);
                assert_eq!(behind(), (before.0 + 1, before.1 + 1), "{layout:?}");
            }
        })
        .join()
        .unwrap();
    }

    #[test]
    fn a_thread_that_frees_more_than_it_keeps_hands_whole_batches_to_others() {
        let alloc = allocator();
        let size = 16 * 1024;
        let class = class_of(size);
        let n = batch(class);
        let made: Vec<usize> = std::thread::spawn(move || unsafe {
            let made: Vec<usize> = (0..5 * n)
                .map(|_| alloc.alloc(layout(size)) as usize)
                .collect();
            for &p in &made {
                alloc.dealloc(p as *mut u8, layout(size));
            }
            // It keeps at most two batches; the rest went central, a batch at a time.
            let kept = CACHE.with(|c| c.kept(class)) as usize;
            assert!(kept > n && kept <= 2 * n, "kept {kept} of batches of {n}");
            // It kept the blocks it freed last.
            let again = alloc.alloc(layout(size));
            assert_eq!(again as usize, made[made.len() - 1]);
            alloc.dealloc(again, layout(size));
            made
        })
        .join()
        .unwrap();
        std::thread::spawn(move || unsafe {
            let before = behind();
            let taken: Vec<usize> = (0..2 * n)
                .map(|_| alloc.alloc(layout(size)) as usize)
                .collect();
            assert_eq!(
                behind(),
                before,
                "another thread takes the handed-back batches, no allocation behind"
            );
            assert!(taken.iter().all(|p| made.contains(p)));
            assert_eq!(CACHE.with(|c| c.kept(class)), 0);
        })
        .join()
        .unwrap();
    }

    #[test]
    fn realloc_keeps_the_bytes_and_stays_put_within_a_class() {
        let alloc = allocator();
        std::thread::spawn(move || unsafe {
            let p = alloc.alloc(layout(40));
            for i in 0..40 {
                *p.add(i) = i as u8;
            }
            assert_eq!(
                alloc.realloc(p, layout(40), 48),
                p,
                "40 and 48 share a class"
            );
            let grown = alloc.realloc(p, layout(48), 5000);
            assert_ne!(grown, p);
            assert!((0..40).all(|i| *grown.add(i) == i as u8));
            let big = alloc.realloc(grown, layout(5000), 100_000);
            assert!((0..40).all(|i| *big.add(i) == i as u8));
            let bigger = alloc.realloc(big, layout(100_000), 200_000);
            assert!((0..40).all(|i| *bigger.add(i) == i as u8));
            let back = alloc.realloc(bigger, layout(200_000), 24);
            assert!((0..24).all(|i| *back.add(i) == i as u8));
            alloc.dealloc(back, layout(24));
        })
        .join()
        .unwrap();
    }

    #[test]
    fn threads_free_each_others_blocks_and_every_byte_stays_its_owners() {
        let alloc = allocator();
        let size = 200;
        let made: Vec<usize> = (0..256)
            .map(|i| unsafe {
                let p = alloc.alloc(layout(size));
                p.write_bytes(i as u8, size);
                p as usize
            })
            .collect();
        std::thread::scope(|s| {
            for (t, chunk) in made.chunks(64).enumerate() {
                s.spawn(move || unsafe {
                    for &p in chunk {
                        alloc.dealloc(p as *mut u8, layout(size));
                    }
                    for round in 0..20 {
                        let mine: Vec<_> = (0..100).map(|_| alloc.alloc(layout(size))).collect();
                        let mark = (t * 20 + round) as u8;
                        for &p in &mine {
                            p.write_bytes(mark, size);
                        }
                        std::thread::yield_now();
                        for &p in &mine {
                            assert!(
                                (0..size).all(|i| *p.add(i) == mark),
                                "a block written by another thread"
                            );
                            alloc.dealloc(p, layout(size));
                        }
                    }
                });
            }
        });
    }
}
