//! Work spread over the machine's cores: one item per thread at a time, results in the items'
//! order. Verify and rebuild take one image each, so two images use two cores.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// `f` of every item, computed on up to as many threads as there are cores. `done` hears of
/// each item in the items' order, as soon as it and every item before it are done (so that a
/// progress report reads the same whatever thread finishes first).
pub(crate) fn map<T: Sync, R: Send>(
    items: &[T],
    f: impl Fn(&T) -> R + Sync,
    done: impl Fn(&T) + Sync,
) -> Vec<R> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let threads = cores.min(items.len());
    if threads <= 1 {
        return items
            .iter()
            .map(|item| {
                let result = f(item);
                done(item);
                result
            })
            .collect();
    }
    let next = AtomicUsize::new(0);
    // The results so far, and how many of the first ones `done` has heard of.
    let results: Mutex<(Vec<Option<R>>, usize)> = Mutex::new((items.iter().map(|_| None).collect(), 0));
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    let Some(item) = items.get(index) else { break };
                    let result = f(item);
                    if let Ok(mut guard) = results.lock() {
                        let (results, reported) = &mut *guard;
                        results[index] = Some(result);
                        while results.get(*reported).is_some_and(Option::is_some) {
                            done(&items[*reported]);
                            *reported += 1;
                        }
                    }
                }
            });
        }
    });
    results.into_inner().map(|(results, _)| results).unwrap_or_default().into_iter().flatten().collect()
}
