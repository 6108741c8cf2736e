gossip_glomers::messages! {
    pub Bad {
        read -> read_ok { value: u64 },
        read,
    }
}
fn main() {}
