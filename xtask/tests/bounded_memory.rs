//! Hostile nodes against the bench's memory, end to end (issue 22 rows 4
//! and 13). These tests have their own test binary, so the peak RSS of the
//! children this process waited for is the largest of these bench runs'
//! (the Python nodes are far smaller).

#[allow(dead_code)] // each test file uses a part of the shared harness
mod support;

use support::{fixture, flags, xtask};

/// The largest peak RSS, in bytes, of the children waited for so far.
fn children_peak_rss() -> u64 {
    // SAFETY: getrusage writes only the struct we pass.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut ru) };
    ru.ru_maxrss as u64 * 1024
}

#[test]
fn a_flood_to_a_peer_that_stopped_reading_is_bounded_reported_and_not_called_good() {
    let bin = fixture("flood_stuck_peer.py");
    let args = [
        &[
            "maelstrom",
            "test",
            "--engine",
            "embedded",
            "--seed",
            "7",
            "-w",
            "echo",
            "--bin",
            bin.to_str().expect("UTF-8 path"),
        ][..],
        // Bodies padded to 16 KB and a 4 MiB cap (`--backlog-cap`), so the
        // cap is reached within the run however loaded the machine is: under
        // other builds the debug engine carried as little as 266 of these
        // messages a second, and the default 64 MiB cap was never reached.
        &flags("--node-count 2 --time-limit 10 --rate 10 --backlog-cap 4 -- 16000")[..],
    ]
    .concat();
    let r = xtask(&args);
    let peak = children_peak_rss();
    assert!(peak < 200 << 20, "bench peak RSS {} MiB", peak >> 20);
    // Unknown, not "Everything looks good!": the cap dropped messages
    // Maelstrom would have kept.
    assert_eq!(r.code, 2, "{}", r.tail());
    assert!(
        r.stdout
            .trim_end()
            .ends_with("Errors occurred during analysis, but no anomalies found. ಠ~ಠ"),
        "{}",
        r.tail()
    );
    let res = r.results();
    let n1 = &res["backlog"]["nodes"]["n1"];
    assert!(n1["dropped-by-cap"].as_u64().unwrap() > 0, "{n1}");
    assert!(n1["stopped-reading-at"].as_f64().unwrap() < 2.0, "{n1}");
    assert_eq!(n1["read-after-drop?"], false);
    assert_eq!(res["backlog"]["valid?"], "unknown");
    assert!(
        res["backlog"]["nodes"].get("n0").is_none(),
        "n0 kept reading"
    );
    // Received means taken off n1's queue: the flood is sent, not received.
    let servers = &res["net"]["servers"];
    let (sent, recv) = (
        servers["send-count"].as_u64().unwrap(),
        servers["recv-count"].as_u64().unwrap(),
    );
    assert!(recv * 10 < sent, "sent {sent}, received {recv}");
    assert!(
        r.stderr
            .contains("WARN node n1 stopped reading its stdin at"),
        "{}",
        r.stderr
    );
    // n0 kept answering its echoes all along.
    assert!(
        res["stats"]["ok-count"].as_u64().unwrap() >= 20,
        "{}",
        res["stats"]
    );
}

#[test]
fn replies_with_15_mib_bodies_are_printed_elided_and_memory_stays_bounded() {
    let bin = fixture("echo_huge_reply.py");
    let args = [
        &[
            "maelstrom",
            "test",
            "--engine",
            "embedded",
            "--seed",
            "7",
            "-w",
            "echo",
            "--bin",
            bin.to_str().expect("UTF-8 path"),
        ][..],
        &flags("--node-count 1 --time-limit 3 --rate 10")[..],
    ]
    .concat();
    let r = xtask(&args);
    let peak = children_peak_rss();
    assert!(peak < 200 << 20, "bench peak RSS {} MiB", peak >> 20);
    // Every reply is malformed: no :ok, so stats are invalid.
    assert_eq!(r.code, 1, "{}", r.tail());
    assert!(
        r.stdout.len() < 100_000,
        "{} bytes of results printed",
        r.stdout.len()
    );
    let res = r.results();
    let example = res["exceptions"]["exceptions"][0]["example"].to_string();
    assert!(example.len() < 2_000, "{} bytes", example.len());
    assert!(example.contains(" bytes in all)"), "{example}");
    assert!(r.stdout.contains(" bytes in all)"), "{}", r.tail());
}

#[test]
fn a_peer_that_stopped_reading_without_drops_keeps_the_verdict_and_is_reported() {
    // Small bodies for 2 s under a large cap: nothing is dropped, so the run
    // is the one Maelstrom would run, sent-but-unreceived messages and all.
    let bin = fixture("flood_stuck_peer.py");
    let args = [
        &[
            "maelstrom",
            "test",
            "--engine",
            "embedded",
            "--seed",
            "7",
            "-w",
            "echo",
            "--bin",
            bin.to_str().expect("UTF-8 path"),
        ][..],
        // A cap far above what 2 s of flood can queue (~75 MB on a quiet
        // machine), so nothing is dropped however fast the machine is.
        &flags("--node-count 2 --time-limit 2 --rate 10 --backlog-cap 1024")[..],
    ]
    .concat();
    let r = xtask(&args);
    assert_eq!(r.code, 0, "{}", r.tail());
    let res = r.results();
    assert_eq!(res["backlog"]["valid?"], true, "{}", res["backlog"]);
    let n1 = &res["backlog"]["nodes"]["n1"];
    assert_eq!(n1["dropped-by-cap"], 0);
    let queued = n1["still-queued"].as_u64().unwrap();
    assert!(queued > 1000, "{n1}");
    assert_eq!(n1["undelivered"].as_u64(), Some(queued));
    // Every queued message was sent and never received. n1's queue holds the
    // clients' echo requests to it as well as n0's flood, so the invariant is
    // over all messages, not the servers' alone.
    let all = &res["net"]["all"];
    assert!(
        all["send-count"].as_u64().unwrap() >= all["recv-count"].as_u64().unwrap() + queued,
        "{all} {n1}"
    );
}

/// `--backlog-cap` sets the cap the run applies and reports.
#[test]
fn the_backlog_cap_is_the_one_given() {
    let bin = fixture("flood_stuck_peer.py");
    let args = [
        &[
            "maelstrom",
            "test",
            "--engine",
            "embedded",
            "--seed",
            "7",
            "-w",
            "echo",
            "--bin",
            bin.to_str().expect("UTF-8 path"),
        ][..],
        &flags("--node-count 2 --time-limit 3 --rate 10 --backlog-cap 2 -- 16000")[..],
    ]
    .concat();
    let r = xtask(&args);
    assert_eq!(r.code, 2, "{}", r.tail());
    let res = r.results();
    assert_eq!(
        res["backlog"]["cap-bytes"],
        serde_json::json!({"per-node": 2 << 20, "total": 4 << 20}),
        "{}",
        res["backlog"]
    );
}
