gossip_glomers::messages! {
    pub Bad {
        read { key },
    }
}
fn main() {}
