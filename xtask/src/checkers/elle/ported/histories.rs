//! elle v0.1.6 histories/*.edn, with the expectations its tests state.
