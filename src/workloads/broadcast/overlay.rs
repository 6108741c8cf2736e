//! The overlay: a star. The first node of the cluster is the hub; every
//! other node is a leaf that talks to the hub only.
//!
//! A value crosses at most two hops (leaf -> hub -> leaves), whatever the
//! cluster size, and the hub's fan-out is shared by every value that arrived
//! during one batching window, so the cost per value falls as load rises.
//! Maelstrom's suggested topology is ignored (the challenges allow it).

/// What this node does with values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Role {
    /// Fans every new value out to every leaf.
    Hub { leaves: Vec<String> },
    /// Sends values from its own clients to the hub.
    Leaf { hub: String },
    /// The only node of the cluster: nothing to gossip.
    Alone,
}

impl Role {
    /// The role of `me` in a cluster of `ids` (in test order).
    pub fn of(me: &str, ids: &[String]) -> Role {
        let hub = match ids.first() {
            Some(h) => h,
            None => return Role::Alone,
        };
        if hub != me {
            return Role::Leaf { hub: hub.clone() };
        }
        let leaves: Vec<String> = ids.iter().filter(|id| *id != me).cloned().collect();
        if leaves.is_empty() {
            Role::Alone
        } else {
            Role::Hub { leaves }
        }
    }

    /// Whether a new value that came from `from` (a peer, or `None` for
    /// this node's own client) must be passed on to `peers()`.
    pub fn relays(&self, from: Option<&str>) -> bool {
        match (self, from) {
            (Role::Hub { .. }, _) | (Role::Leaf { .. }, None) => true,
            // A leaf never relays: the hub already fans out what it receives.
            (Role::Leaf { .. }, Some(_)) | (Role::Alone, _) => false,
        }
    }

    /// Every peer this node exchanges gossip with.
    pub fn peers(&self) -> &[String] {
        match self {
            Role::Hub { leaves } => leaves,
            Role::Leaf { hub } => std::slice::from_ref(hub),
            Role::Alone => &[],
        }
    }

    /// The batching window for values this node forwards.
    pub fn window_ms(&self, config: &super::Config) -> u64 {
        match self {
            Role::Hub { .. } => config.batch_ms,
            Role::Leaf { .. } | Role::Alone => config.uplink_ms,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("n{i}")).collect()
    }

    #[test]
    fn first_node_is_the_hub() {
        let all = ids(3);
        assert_eq!(
            Role::of("n0", &all),
            Role::Hub {
                leaves: vec!["n1".into(), "n2".into()]
            }
        );
        assert_eq!(Role::of("n2", &all), Role::Leaf { hub: "n0".into() });
        assert_eq!(Role::of("n0", &ids(1)), Role::Alone);
        assert_eq!(Role::of("n0", &[]), Role::Alone);
    }

    #[test]
    fn leaves_relay_only_their_own_clients_values() {
        let leaf = Role::of("n1", &ids(3));
        assert!(leaf.relays(None));
        assert!(!leaf.relays(Some("n0")));
        assert_eq!(leaf.peers(), ["n0".to_string()]);
        let hub = Role::of("n0", &ids(3));
        assert!(hub.relays(Some("n1")) && hub.relays(None));
        assert_eq!(hub.peers().len(), 2);
        assert!(!Role::Alone.relays(None));
    }
}
