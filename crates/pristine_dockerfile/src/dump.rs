//! BuildKit's `Node.Dump` (`frontend/dockerfile/parser/parser.go`), the format of the parser
//! fixtures' `result` files:
//!
//! ```go
//! str := strings.ToLower(node.Value)
//! if len(node.Flags) > 0 { str += fmt.Sprintf(" %q", node.Flags) }
//! for _, n := range node.Children { str += "(" + n.Dump() + ")\n" }
//! for n := node.Next; n != nil; n = n.Next {
//!     if len(n.Children) > 0 { str += " " + n.Dump() } else { str += " " + strconv.Quote(n.Value) }
//! }
//! return strings.TrimSpace(str)
//! ```

use crate::ast::Node;
use crate::go;
use crate::quote::{go_quote_into, go_quote_list};

/// `Node.Dump()` of one instruction.
pub fn dump_node(node: &Node) -> String {
    let mut s = go::to_lower(&node.keyword.value);
    if !node.flags.is_empty() {
        s.push(' ');
        let flags: Vec<&str> = node.flags.iter().map(|f| f.value.as_str()).collect();
        s.push_str(&go_quote_list(&flags));
    }
    for arg in &node.args {
        s.push(' ');
        go_quote_into(&mut s, &arg.value);
    }
    if let Some(trigger) = &node.trigger {
        // The synthetic `Next` node holding the child: its Dump is "(" + child + ")\n", trimmed.
        s.push(' ');
        s.push('(');
        s.push_str(&dump_node(trigger));
        s.push(')');
    }
    go::trim_space(&s).to_owned()
}

/// The root's `Dump()` plus `"\n"`, as written to the fixtures' `result` files: each child as
/// `(…)` on its own line, the whole `TrimSpace`d.
pub fn dump_nodes<'a>(nodes: impl IntoIterator<Item = &'a Node>) -> String {
    let mut s = String::new();
    for node in nodes {
        s.push('(');
        s.push_str(&dump_node(node));
        s.push_str(")\n");
    }
    let mut out = go::trim_space(&s).to_owned();
    out.push('\n');
    out
}
