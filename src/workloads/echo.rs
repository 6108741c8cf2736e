//! Challenge 1: echo the request's `echo` value back.

use crate::messages;
use crate::runtime::{Ctx, Node, Request};
use serde_json::Value;

messages! {
    /// The echo workload.
    pub Echo {
        echo { echo: Value } -> echo_ok { echo: Value },
    }
}

/// Answers every `echo` with an `echo_ok` carrying the same value.
pub struct EchoNode;

impl Node for EchoNode {
    type Msg = EchoRequest;
    type Timer = ();

    fn init(_ctx: &mut Ctx<'_, Self>) -> Self {
        EchoNode
    }

    fn on_message(&mut self, msg: Request<EchoRequest>, ctx: &mut Ctx<'_, Self>) {
        let EchoRequest::Echo(Echo { echo }) = &msg.body;
        ctx.reply(&msg, &EchoOk { echo: echo.clone() });
    }
}
