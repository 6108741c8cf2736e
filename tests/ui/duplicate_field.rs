gossip_glomers::messages! {
    pub Bad {
        write { key: u64, key: u64 },
    }
}
fn main() {}
