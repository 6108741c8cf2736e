//! `messages!`: typed Maelstrom message enums from a compact spec.
//!
//! ```text
//! messages! {
//!     /// Requests and replies of the echo workload.
//!     pub Echo {
//!         echo { echo: Value } -> echo_ok { echo: Value },
//!         internal gossip { seen: Vec<u64>, note?: String },
//!     }
//! }
//! ```
//!
//! A request marked `internal` is one only cluster members send (gossip,
//! replication, votes): the runtime drops it, before decoding, when its
//! sender is not in `node_ids` (`Decode::is_internal`), so no workload can
//! forget that check for one of its types.
//! Each line declares a message `type` and its fields, and optionally, after
//! `->`, the reply type and its fields. `name?: T` is an optional field
//! (`Option<T>`, omitted from JSON when `None`). For a group `Echo` the macro
//! generates one struct per message type (`Echo`, `EchoOk`, `Gossip`: the
//! type in UpperCamelCase), the enum `EchoRequest` of every message a node
//! may receive (the left-hand sides), and the enum `EchoReply` of the replies.
//! Structs serialise to exactly `{"type": .., <fields>}` (the closed schemas
//! Maelstrom checks), and both enums implement the runtime's `Decode`.

use proc_macro::TokenStream;
use proc_macro2::{Span, TokenStream as TokenStream2};
use quote::{format_ident, quote};
use std::collections::HashSet;
use syn::parse::{Parse, ParseStream};
use syn::{braced, Attribute, Ident, Token, Type, Visibility};

/// See the crate documentation for the syntax.
#[proc_macro]
pub fn messages(input: TokenStream) -> TokenStream {
    let spec = syn::parse_macro_input!(input as Spec);
    match spec.expand() {
        Ok(ts) => ts.into(),
        Err(e) => e.to_compile_error().into(),
    }
}

struct Spec {
    groups: Vec<Group>,
}

struct Group {
    attrs: Vec<Attribute>,
    vis: Visibility,
    name: Ident,
    lines: Vec<Line>,
}

struct Line {
    attrs: Vec<Attribute>,
    /// Marked `internal`: accepted from cluster members only.
    internal: bool,
    request: Message,
    reply: Option<Message>,
}

struct Message {
    kind: Ident,
    fields: Vec<Field>,
}

struct Field {
    name: Ident,
    optional: bool,
    ty: Type,
}

impl Parse for Spec {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let mut groups = Vec::new();
        while !input.is_empty() {
            groups.push(input.parse()?);
        }
        Ok(Spec { groups })
    }
}

impl Parse for Group {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let attrs = input.call(Attribute::parse_outer)?;
        let vis = input.parse()?;
        let name: Ident = input.parse()?;
        let body;
        braced!(body in input);
        let mut lines = Vec::new();
        while !body.is_empty() {
            lines.push(body.parse()?);
            if body.is_empty() {
                break;
            }
            body.parse::<Token![,]>()?;
        }
        if lines.is_empty() {
            return Err(syn::Error::new(
                name.span(),
                "a message group needs at least one message",
            ));
        }
        Ok(Group {
            attrs,
            vis,
            name,
            lines,
        })
    }
}

impl Parse for Line {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let attrs = input.call(Attribute::parse_outer)?;
        // `internal name ..` marks the line; a message named `internal`
        // (followed by `{`, `,`, `->` or the end) is still a message.
        let internal = input.peek(Ident) && input.peek2(Ident) && {
            let fork = input.fork();
            fork.parse::<Ident>()? == "internal"
        };
        if internal {
            input.parse::<Ident>()?;
        }
        let request = input.parse()?;
        let reply = if input.peek(Token![->]) {
            input.parse::<Token![->]>()?;
            Some(input.parse()?)
        } else {
            None
        };
        Ok(Line {
            attrs,
            internal,
            request,
            reply,
        })
    }
}

impl Parse for Message {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let kind: Ident = input.parse().map_err(|e| {
            syn::Error::new(
                e.span(),
                "expected a message type name such as `echo` or `read_ok`",
            )
        })?;
        let mut fields = Vec::new();
        if input.peek(syn::token::Brace) {
            let body;
            braced!(body in input);
            while !body.is_empty() {
                let name: Ident = body.parse()?;
                let optional = body.peek(Token![?]);
                if optional {
                    body.parse::<Token![?]>()?;
                }
                body.parse::<Token![:]>().map_err(|e| {
                    syn::Error::new(
                        e.span(),
                        format!("expected `:` and a type after field `{name}`"),
                    )
                })?;
                let ty: Type = body.parse()?;
                fields.push(Field { name, optional, ty });
                if body.is_empty() {
                    break;
                }
                body.parse::<Token![,]>()?;
            }
        }
        Ok(Message { kind, fields })
    }
}

/// `read_ok` -> `ReadOk`.
fn camel(kind: &Ident) -> Ident {
    let s: String = kind
        .to_string()
        .split('_')
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
                None => String::new(),
            }
        })
        .collect();
    Ident::new(&s, kind.span())
}

fn validate(message: &Message, seen: &mut HashSet<String>) -> syn::Result<()> {
    let kind = message.kind.to_string();
    let snake = !kind.is_empty()
        && kind
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && kind.starts_with(|c: char| c.is_ascii_lowercase())
        && !kind.contains("__")
        && !kind.ends_with('_');
    if !snake {
        return Err(syn::Error::new(
            message.kind.span(),
            format!("message type `{kind}` must be snake_case (like `echo` or `read_ok`): it is the JSON `type`"),
        ));
    }
    if !seen.insert(kind.clone()) {
        return Err(syn::Error::new(
            message.kind.span(),
            format!("message type `{kind}` is declared twice"),
        ));
    }
    let mut names = HashSet::new();
    for f in &message.fields {
        let name = f.name.to_string();
        if matches!(name.as_str(), "type" | "msg_id" | "in_reply_to" | "r#type") {
            return Err(syn::Error::new(
                f.name.span(),
                format!("`{name}` is reserved: the runtime writes the message type, msg_id and in_reply_to"),
            ));
        }
        if !names.insert(name.clone()) {
            return Err(syn::Error::new(
                f.name.span(),
                format!("field `{name}` appears twice in `{kind}`"),
            ));
        }
    }
    Ok(())
}

impl Spec {
    fn expand(&self) -> syn::Result<TokenStream2> {
        let mut out = TokenStream2::new();
        for g in &self.groups {
            out.extend(g.expand()?);
        }
        Ok(out)
    }
}

impl Group {
    fn expand(&self) -> syn::Result<TokenStream2> {
        let mut seen = HashSet::new();
        let mut structs = TokenStream2::new();
        let mut requests = Vec::new();
        let mut internal = Vec::new();
        let mut replies = Vec::new();
        for line in &self.lines {
            validate(&line.request, &mut seen)?;
            structs.extend(message_struct(&self.vis, &line.attrs, &line.request));
            requests.push(&line.request);
            if line.internal {
                internal.push(line.request.kind.to_string());
            }
            if let Some(reply) = &line.reply {
                validate(reply, &mut seen)?;
                let doc = format!("Reply to `{}`.", line.request.kind);
                let attrs: Vec<Attribute> = vec![syn::parse_quote!(#[doc = #doc])];
                structs.extend(message_struct(&self.vis, &attrs, reply));
                replies.push(reply);
            }
        }
        let vis = &self.vis;
        let attrs = &self.attrs;
        let req_enum = format_ident!("{}Request", self.name);
        let rep_enum = format_ident!("{}Reply", self.name);
        let req_doc = format!("Every message a `{}` node may receive.", self.name);
        let rep_doc = format!("Every reply of the `{}` messages.", self.name);
        let req = message_enum(vis, attrs, &req_doc, &req_enum, &requests, &internal);
        let rep = if replies.is_empty() {
            TokenStream2::new()
        } else {
            message_enum(vis, attrs, &rep_doc, &rep_enum, &replies, &[])
        };
        Ok(quote! { #structs #req #rep })
    }
}

fn message_struct(vis: &Visibility, attrs: &[Attribute], m: &Message) -> TokenStream2 {
    let name = camel(&m.kind);
    let kind = m.kind.to_string();
    let doc = format!("The `{kind}` message.");
    let fields = m.fields.iter().map(|f| {
        let n = &f.name;
        let ty = &f.ty;
        if f.optional {
            quote! { #[serde(default)] pub #n: ::core::option::Option<#ty> }
        } else {
            quote! { pub #n: #ty }
        }
    });
    let count = m.fields.len() + 1;
    let ser_fields = m.fields.iter().map(|f| {
        let n = &f.name;
        let key = n.to_string();
        if f.optional {
            quote! {
                match &self.#n {
                    ::core::option::Option::Some(v) => st.serialize_field(#key, v)?,
                    ::core::option::Option::None => st.skip_field(#key)?,
                }
            }
        } else {
            quote! { st.serialize_field(#key, &self.#n)?; }
        }
    });
    let p = private();
    let serde_path = format!("{}::serde", quote!(#p).to_string().replace(' ', ""));
    quote! {
        #[doc = #doc]
        #(#attrs)*
        #[derive(Debug, Clone, PartialEq, #p::serde::Deserialize)]
        #[serde(crate = #serde_path)]
        #vis struct #name { #(#fields,)* }

        impl #name {
            /// The JSON `type` of this message.
            pub const TYPE: &'static str = #kind;
        }

        impl #p::serde::Serialize for #name {
            fn serialize<S: #p::serde::Serializer>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error> {
                use #p::serde::ser::SerializeStruct;
                let mut st = serializer.serialize_struct(#kind, #count)?;
                st.serialize_field("type", #kind)?;
                #(#ser_fields)*
                st.end()
            }
        }
    }
}

fn message_enum(
    vis: &Visibility,
    attrs: &[Attribute],
    doc: &str,
    name: &Ident,
    messages: &[&Message],
    internal: &[String],
) -> TokenStream2 {
    let p = private();
    let variants: Vec<Ident> = messages.iter().map(|m| camel(&m.kind)).collect();
    let kinds: Vec<String> = messages.iter().map(|m| m.kind.to_string()).collect();
    quote! {
        #[doc = #doc]
        #(#attrs)*
        #[derive(Debug, Clone, PartialEq)]
        #[allow(clippy::enum_variant_names)] // reply enums are all `..Ok`
        #vis enum #name { #(#variants(#variants),)* }

        impl #p::Decode for #name {
            fn decode(kind: &str, body: &str) -> ::core::result::Result<Self, #p::DecodeError> {
                match kind {
                    #(#kinds => #p::serde_json::from_str::<#variants>(body)
                        .map(#name::#variants)
                        .map_err(#p::DecodeError::Malformed),)*
                    _ => ::core::result::Result::Err(#p::DecodeError::UnknownType),
                }
            }

            fn is_internal(kind: &str) -> bool {
                #name::INTERNAL.contains(&kind)
            }
        }

        impl #p::serde::Serialize for #name {
            fn serialize<S: #p::serde::Serializer>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error> {
                match self { #(#name::#variants(m) => m.serialize(serializer),)* }
            }
        }

        #(impl ::core::convert::From<#variants> for #name {
            fn from(m: #variants) -> Self { #name::#variants(m) }
        })*

        impl #name {
            /// Every JSON `type` in this enum.
            pub const TYPES: &'static [&'static str] = &[#(#kinds),*];
            /// The JSON `type`s only cluster members may send (`internal`).
            pub const INTERNAL: &'static [&'static str] = &[#(#internal),*];
        }
    }
}

/// Path of the runtime's re-exports used by generated code.
fn private() -> TokenStream2 {
    let krate = Ident::new("gossip_glomers", Span::call_site());
    quote!(::#krate::__private)
}
