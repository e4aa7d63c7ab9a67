//! Standard output for a stream of records, and what SIGTERM and SIGINT do to it.
//!
//! Each `write` call carries one whole record. While a record is being written (into the
//! buffer, or the buffer out to the pipe), a SIGTERM or SIGINT only marks that it came; the
//! record is finished, what is buffered is flushed, and the process ends at once after it.
//! Between records the signal ends the process at once. Either way the output ends at a
//! record's end: never half a line. The exit code is 128 + the signal (130 for Ctrl-C, 143
//! for SIGTERM), as shells report a process ended by it.

use std::io::{self, Write};

#[cfg(unix)]
mod guard {
    use std::sync::atomic::{AtomicI32, AtomicU8, Ordering};

    const IDLE: u8 = 0;
    const WRITING: u8 = 1;
    const STOP_AFTER: u8 = 2;

    static STATE: AtomicU8 = AtomicU8::new(IDLE);
    static SIGNAL: AtomicI32 = AtomicI32::new(0);

    extern "C" fn on_signal(sig: libc::c_int) {
        SIGNAL.store(sig, Ordering::SeqCst);
        // Only async-signal-safe work here: atomics and _exit.
        if STATE
            .compare_exchange(WRITING, STOP_AFTER, Ordering::SeqCst, Ordering::SeqCst)
            .is_err()
            && STATE.load(Ordering::SeqCst) == IDLE
        {
            unsafe { libc::_exit(crate::error::ExitCode::after_signal(sig)) };
        }
    }

    pub fn install() {
        for sig in [libc::SIGTERM, libc::SIGINT] {
            // SAFETY: the handler touches only atomics and calls _exit, both allowed in a
            // signal handler; the sigaction struct is fully initialised.
            unsafe {
                let mut action: libc::sigaction = std::mem::zeroed();
                action.sa_sigaction = on_signal as extern "C" fn(libc::c_int) as usize;
                action.sa_flags = libc::SA_RESTART;
                libc::sigemptyset(&mut action.sa_mask);
                libc::sigaction(sig, &action, std::ptr::null_mut());
            }
        }
    }

    pub fn begin() {
        STATE.store(WRITING, Ordering::SeqCst);
    }

    /// Returns the signal that came during the write, if one did.
    pub fn end() -> Option<i32> {
        (STATE.swap(IDLE, Ordering::SeqCst) == STOP_AFTER).then(|| SIGNAL.load(Ordering::SeqCst))
    }

    pub fn stop(sig: i32) -> ! {
        unsafe { libc::_exit(crate::error::ExitCode::after_signal(sig)) }
    }
}

#[cfg(not(unix))]
mod guard {
    pub fn install() {}
    pub fn begin() {}
    pub fn end() -> Option<i32> {
        None
    }
    pub fn stop(_: i32) -> ! {
        unreachable!()
    }
}

/// A writer whose every `write` is one whole record, kept whole under SIGTERM and SIGINT.
pub struct WholeRecords<W: Write> {
    inner: W,
}

impl<W: Write> WholeRecords<W> {
    /// Wraps `inner` and takes over SIGTERM and SIGINT for the rest of the process.
    pub fn new(inner: W) -> Self {
        guard::install();
        WholeRecords { inner }
    }

    fn guarded(&mut self, f: impl FnOnce(&mut W) -> io::Result<()>) -> io::Result<()> {
        guard::begin();
        let result = f(&mut self.inner);
        if let Some(sig) = guard::end() {
            guard::begin();
            let _ = self.inner.flush();
            guard::stop(sig);
        }
        result
    }
}

impl<W: Write> Write for WholeRecords<W> {
    /// Writes all of `buf`, which the caller gives as one record.
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.guarded(|w| w.write_all(buf))?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.guarded(|w| w.flush())
    }
}
