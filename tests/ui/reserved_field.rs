gossip_glomers::messages! {
    pub Bad {
        read { msg_id: u64 },
    }
}
fn main() {}
