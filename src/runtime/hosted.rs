//! A node behind a trait object: what a host needs to run a node of any
//! workload without naming its type. The bench's in-process, virtual-time
//! host keeps one `Box<dyn HostedNode>` per node.

use super::driver::Driver;
use super::node::Node;

/// A `Driver` of some node type, with time in whole milliseconds.
pub trait HostedNode {
    /// Handles one input line (without its newline) at `now_ms`.
    fn handle_line(&mut self, line: &[u8], now_ms: u64);
    /// Fires every timer due at `now_ms`.
    fn tick(&mut self, now_ms: u64);
    /// The earliest timer deadline (ms), if any.
    fn next_deadline(&mut self) -> Option<u64>;
    /// Takes the bytes written since the last call: complete lines.
    fn take_output(&mut self) -> Vec<u8>;
    /// Takes the log lines written since the last call.
    fn take_log(&mut self) -> Vec<String>;
}

impl<N: Node> HostedNode for Driver<N> {
    fn handle_line(&mut self, line: &[u8], now_ms: u64) {
        Driver::handle_line(self, line, now_ms)
    }
    fn tick(&mut self, now_ms: u64) {
        Driver::tick(self, now_ms)
    }
    fn next_deadline(&mut self) -> Option<u64> {
        Driver::next_deadline(self)
    }
    fn take_output(&mut self) -> Vec<u8> {
        std::mem::take(self.output())
    }
    fn take_log(&mut self) -> Vec<String> {
        Driver::take_log(self)
    }
}
