//! Package-level declarations: each variable with the kind of holder it is (map, slice,
//! `sync.Map`, list, channel, pointer, ...), from its type or its initial value.

use super::*;
use crate::source::syntax::Syntax;

pub(super) fn collect_globals(ix: &mut PackageIndex, f: usize, file: &GoFile) {
    for top in named_children(file.tree.root_node()) {
        if top.kind_name() == "type_declaration" {
            for spec in named_children(top) {
                if let (Some(n), Some(t)) = (spec.field("name"), spec.field("type")) {
                    ix.types
                        .insert(file.text_of(n).to_string(), file.text_of(t).to_string());
                }
            }
            continue;
        }
        if top.kind_name() == "const_declaration" {
            for spec in named_children(top)
                .into_iter()
                .filter(|s| s.kind_name() == "const_spec")
            {
                let mut c = spec.walk();
                for n in spec.children_by_field_name("name", &mut c) {
                    ix.consts.insert(file.text_of(n).to_string());
                }
            }
            continue;
        }
        if top.kind_name() != "var_declaration" {
            continue;
        }
        let mut specs = Vec::new();
        for c in named_children(top) {
            match c.kind_name() {
                "var_spec" => specs.push(c),
                "var_spec_list" => specs.extend(
                    named_children(c)
                        .into_iter()
                        .filter(|s| s.kind_name() == "var_spec"),
                ),
                _ => {}
            }
        }
        for spec in specs {
            let ty = spec.field("type");
            let value = spec.field("value");
            let values: Vec<Node<'_>> = value.map(named_children).unwrap_or_default();
            let mut c = spec.walk();
            let names: Vec<Node<'_>> = spec.children_by_field_name("name", &mut c).collect();
            for (i, name) in names.iter().enumerate() {
                let v = values.get(i).copied();
                let kind = ty
                    .map(|t| kind_of_type(file, t))
                    .or_else(|| v.map(|v| kind_of_value(file, v)))
                    .unwrap_or(GlobalKind::Other);
                let type_text = ty
                    .or(v)
                    .map(|n| file.text_of(n).to_string())
                    .unwrap_or_default();
                let name_text = file.text_of(*name).to_string();
                if name_text == "_" {
                    continue;
                }
                ix.globals.insert(
                    name_text.clone(),
                    Global {
                        name: name_text,
                        kind,
                        decl: loc(f, *name),
                        type_text,
                        value_text: v.map(|n| file.text_of(n).to_string()),
                        foreign: None,
                    },
                );
            }
        }
    }
}

pub(super) fn kind_of_type(file: &GoFile, mut t: Node<'_>) -> GlobalKind {
    // Through pointers and parentheses in a loop: generated code may nest thousands. A pointer
    // to a list is used as the list; any other pointer is a pointer.
    let mut pointer = false;
    loop {
        let kind = match t.kind_name() {
            "pointer_type" | "parenthesized_type" => {
                pointer |= t.kind_name() == "pointer_type";
                match named_children(t).first() {
                    Some(inner) => {
                        t = *inner;
                        continue;
                    }
                    None => GlobalKind::Other,
                }
            }
            "map_type" => GlobalKind::Map,
            "slice_type" => GlobalKind::Slice,
            "array_type" => GlobalKind::Array,
            "channel_type" => GlobalKind::Chan,
            "function_type" => GlobalKind::Func,
            "qualified_type" => match file.text_of(t) {
                "sync.Map" => GlobalKind::SyncMap,
                "list.List" => GlobalKind::List,
                _ => GlobalKind::Other,
            },
            // sync.Map-like generic wrappers are unknown; a generic map alias is still a map.
            "generic_type" => GlobalKind::Other,
            _ => GlobalKind::Other,
        };
        return match kind {
            GlobalKind::List => GlobalKind::List,
            _ if pointer => GlobalKind::Pointer,
            other => other,
        };
    }
}

pub(super) fn kind_of_value(file: &GoFile, v: Node<'_>) -> GlobalKind {
    match v.kind_name() {
        "composite_literal" => v
            .field("type")
            .map(|t| kind_of_type(file, t))
            .unwrap_or(GlobalKind::Other),
        "call_expression" => {
            let callee = v.field("function").map(|n| file.text_of(n)).unwrap_or("");
            let first_arg = v
                .field("arguments")
                .and_then(|a| named_children(a).into_iter().next());
            match callee {
                "make" => first_arg
                    .map(|t| kind_of_type(file, t))
                    .unwrap_or(GlobalKind::Other),
                "list.New" => GlobalKind::List,
                "new" => GlobalKind::Pointer,
                _ => GlobalKind::Other,
            }
        }
        "unary_expression" if file.text_of(v).starts_with('&') => GlobalKind::Pointer,
        "func_literal" => GlobalKind::Func,
        _ => GlobalKind::Other,
    }
}

/// The type written for `field` in a struct type's text (`labels []unsafe.Pointer`).
pub(super) fn field_type<'t>(struct_text: &'t str, field: &str) -> Option<&'t str> {
    struct_text.lines().find_map(|l| {
        let l = l.trim();
        let rest = l.strip_prefix(field)?;
        if !rest.starts_with([' ', '\t']) {
            return None;
        }
        Some(rest.trim_start())
    })
}
