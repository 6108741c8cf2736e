gossip_glomers::messages! {
    pub Bad {
        ReadOk { value: u64 },
    }
}
fn main() {}
