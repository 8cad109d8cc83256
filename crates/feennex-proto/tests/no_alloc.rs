//! Signing allocates nothing: proved with a global allocator that counts the
//! allocations made by the current thread.
#![allow(unsafe_code)] // The counting allocator must implement `GlobalAlloc`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use feennex_proto::{
    Merchant, SecretKey,
    prelude::{ShopId, TransferCreate},
    sign::{sign, verify},
};

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

struct CountingAllocator;

// SAFETY: every call is forwarded unchanged to the system allocator; the counter
// is a const-initialised thread local, which never allocates.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = ALLOCATIONS.try_with(|count| count.set(count.get() + 1));
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let _ = ALLOCATIONS.try_with(|count| count.set(count.get() + 1));
        // SAFETY: same contract as the caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: CountingAllocator = CountingAllocator;

fn allocations_during(work: impl FnOnce()) -> usize {
    let before = ALLOCATIONS.with(Cell::get);
    work();
    ALLOCATIONS.with(Cell::get) - before
}

#[test]
fn signing_and_verifying_allocate_nothing() {
    let secret = SecretKey::new("SecretKey01");
    let sorted = [
        ("amount", "10.5"),
        ("amount_type", "receive_amount"),
        ("payee_account", "201234567890"),
        ("payee_currency", "840"),
        ("shop_currency", "840"),
        ("shop_id", "6"),
        ("shop_payment_id", "order-42"),
    ];
    let mut shuffled = sorted;
    shuffled.reverse();
    let expected = sign(&sorted, &secret);

    let mut results = Vec::with_capacity(4);
    let counted = allocations_during(|| {
        results.push(sign(&sorted, &secret));
        results.push(sign(&shuffled, &secret));
        results.push(sign(&sorted[..3], &secret));
    });
    let verified = {
        let mut ok = false;
        let counted = allocations_during(|| ok = verify(&shuffled, &secret, expected.as_str()));
        assert_eq!(counted, 0, "verify allocated");
        ok
    };

    assert_eq!(counted, 0, "sign allocated {counted} times");
    assert!(verified);
    assert_eq!(results[0], expected);
    assert_eq!(results[1], expected);
    assert_ne!(results[2], expected);
}

#[test]
fn the_counter_sees_allocations() {
    let counted = allocations_during(|| {
        let merchant = Merchant::new(ShopId::new(6).unwrap(), SecretKey::new("s"));
        let create = TransferCreate::builder()
            .amount("1".parse().unwrap())
            .amount_type(Default::default())
            .payee_account("201234567890".parse().unwrap())
            .payee_currency(feennex_proto::prelude::Currency::USD)
            .shop_currency(feennex_proto::prelude::Currency::USD)
            .shop_payment_id("a".parse().unwrap())
            .build();
        std::hint::black_box(merchant.build(&create).unwrap());
    });
    assert!(counted > 0);
}
