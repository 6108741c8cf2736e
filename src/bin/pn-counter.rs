fn main() {
    std::process::exit(gossip_glomers::runtime::run::<
        gossip_glomers::workloads::pn_counter::PnCounterNode,
    >());
}
