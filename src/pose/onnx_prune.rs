//! Pruning an ONNX graph to the outputs a caller reads.
//!
//! An engine runs every node of a graph whatever outputs are fetched. BlazePose's landmark models end in a
//! segmentation decoder (a 256 × 256 mask) that mirrorcue reads only when the person mask is asked for; without it
//! the full model's inference takes 4.8 instead of 8.0 ms (ONNX Runtime, 2 threads, median on the walk clip,
//! `mirrorcue bench`). [`keep_outputs`] drops the graph outputs not wanted and every node and weight only they need,
//! so the engine never runs them.

use prost::Message;
use tract_onnx::pb::ModelProto;

/// A model cut down to some of its outputs.
#[derive(Debug)]
pub struct Pruned {
    /// The serialised model (ONNX protobuf) with only the wanted outputs.
    pub model: Vec<u8>,
    /// Names of all the original model's outputs, in order (the caller's indexes stay valid).
    pub outputs: Vec<String>,
    /// Nodes dropped.
    pub nodes_dropped: usize,
}

/// `model` (ONNX protobuf bytes) with only the outputs marked in `wanted` (in output order; missing marks count as
/// wanted) and what they need. `None` when there is nothing to drop, or the model cannot be pruned safely (not a
/// readable ONNX model, nodes with subgraphs, no output left): the caller then loads it as it is, and any error is
/// the engine's to report.
pub fn keep_outputs(model: &[u8], wanted: &[bool]) -> Option<Pruned> {
    if wanted.iter().all(|&w| w) {
        return None;
    }
    let mut proto = ModelProto::decode(model).ok()?;
    let graph = proto.graph.as_mut()?;
    let outputs: Vec<String> = graph.output.iter().map(|o| o.name.clone()).collect();
    let keep = |i: usize| wanted.get(i).copied().unwrap_or(true);
    if (0..outputs.len()).all(keep) || !(0..outputs.len()).any(keep) {
        return None;
    }
    // Names in a subgraph may refer to the outer graph: not followed here, so such models are left whole.
    if graph.node.iter().any(|n| n.attribute.iter().any(|a| a.g.is_some() || !a.graphs.is_empty())) {
        return None;
    }
    let mut index = 0;
    graph.output.retain(|_| {
        index += 1;
        keep(index - 1)
    });
    let mut needed: std::collections::HashSet<String> = graph.output.iter().map(|o| o.name.clone()).collect();
    // ONNX lists nodes in topological order: walking back from the outputs finds everything they need.
    let mut kept = vec![false; graph.node.len()];
    for (i, node) in graph.node.iter().enumerate().rev() {
        if node.output.iter().any(|o| needed.contains(o)) {
            kept[i] = true;
            needed.extend(node.input.iter().filter(|s| !s.is_empty()).cloned());
        }
    }
    let before = graph.node.len();
    let mut flags = kept.into_iter();
    graph.node.retain(|_| flags.next().unwrap_or(true));
    graph.initializer.retain(|t| needed.contains(&t.name));
    graph.value_info.retain(|v| needed.contains(&v.name));
    let nodes_dropped = before - graph.node.len();
    Some(Pruned { model: proto.encode_to_vec(), outputs, nodes_dropped })
}

#[cfg(test)]
mod tests {
    use super::*;
    use tract_onnx::pb::{GraphProto, NodeProto, ValueInfoProto};

    fn node(name: &str, inputs: &[&str], outputs: &[&str]) -> NodeProto {
        NodeProto {
            name: name.into(),
            op_type: "Relu".into(),
            input: inputs.iter().map(|s| s.to_string()).collect(),
            output: outputs.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        }
    }

    fn value(name: &str) -> ValueInfoProto {
        ValueInfoProto { name: name.into(), ..Default::default() }
    }

    /// x → a → (b → out0) and (c → d → out1): dropping out1 drops c and d, keeps the shared trunk.
    fn model() -> Vec<u8> {
        ModelProto {
            graph: Some(GraphProto {
                node: vec![
                    node("a", &["x"], &["ta"]),
                    node("b", &["ta"], &["out0"]),
                    node("c", &["ta"], &["tc"]),
                    node("d", &["tc"], &["out1"]),
                ],
                input: vec![value("x")],
                output: vec![value("out0"), value("out1")],
                ..Default::default()
            }),
            ..Default::default()
        }
        .encode_to_vec()
    }

    #[test]
    fn an_unwanted_output_loses_the_nodes_only_it_needs() {
        let pruned = keep_outputs(&model(), &[true, false]).expect("something to drop");
        assert_eq!(pruned.outputs, ["out0", "out1"]);
        assert_eq!(pruned.nodes_dropped, 2);
        let graph = ModelProto::decode(pruned.model.as_slice()).unwrap().graph.unwrap();
        let names: Vec<&str> = graph.node.iter().map(|n| n.name.as_str()).collect();
        assert_eq!(names, ["a", "b"]);
        assert_eq!(graph.output.iter().map(|o| o.name.as_str()).collect::<Vec<_>>(), ["out0"]);
    }

    #[test]
    fn nothing_to_drop_or_nothing_readable_leaves_the_model_as_it_is() {
        assert!(keep_outputs(&model(), &[true, true]).is_none());
        assert!(keep_outputs(&model(), &[]).is_none());
        assert!(keep_outputs(&model(), &[false, false]).is_none(), "no output left");
        assert!(keep_outputs(b"not a model at all \xff\xff\xff", &[true, false]).is_none());
    }

    #[test]
    fn the_shipped_blazepose_model_sheds_its_segmentation_decoder() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("models/pose_landmark_full.onnx");
        let bytes = std::fs::read(path).unwrap();
        let pruned = keep_outputs(&bytes, &[true, true, false, true, true]).expect("the mask's decoder dropped");
        assert_eq!(pruned.outputs.len(), 5);
        assert!(pruned.nodes_dropped >= 20, "{} nodes dropped", pruned.nodes_dropped);
        assert!(pruned.model.len() < bytes.len());
    }
}
