using System.Runtime.InteropServices;
using SpeechEmotion.Model;

namespace SpeechEmotion.Serialization;

/// <summary>
/// A model as ONNX (opset 17, standard operators only), for ONNX Runtime and other engines. Inputs: "features"
/// [batch, frames, F] float — the model's front end (<see cref="Features.FrontEnd"/>: see the config) already
/// standardised with the model's normaliser (an utterance-normalised model: with each utterance's own per-bin mean
/// and std) — and "lengths" [batch] int32, the valid frames of each row (the
/// padding after them is ignored). Output: "logits" [batch, classes]; softmax gives the probabilities. Batch and
/// frames are dynamic.
/// The graph: Transpose → GRU (bidirectional, linear_before_reset = 1, PyTorch's r, z, n gates reordered to ONNX's
/// z, r, h) → MatMul/Softmax attention with the key-padding mask built from the lengths → masked mean pooling →
/// Gemm + Relu → Gemm. Models with convolutions, mean+std pooling or input statistics are not exported.
/// </summary>
public static class OnnxExport
{
    private const int Float = 1,
        Int32 = 6,
        Int64 = 7;

    public static void Write(SavedModel model, string path)
    {
        var c = model.Config;
        bool plain = c.ConvChannels == 0 && c.Pooling == PoolingKind.Mean && !c.InputStatistics && !c.IsFunctionals;
        if (!plain || c.Task != SerTask.Classification)
            throw new NotSupportedException(
                "ONNX export covers Bi-GRU (+ attention) + mean pooling classifiers; "
                    + "this model has convolutions, mean+std pooling, input statistics, a regression head or is the "
                    + "functionals baseline"
            );
        var g = new Graph();
        var p = model.Parameters;
        int h = c.Hidden,
            e = c.Embed,
            f = c.InputSize;
        g.Input("features", Float, "batch", "frames", f);
        g.Input("lengths", Int32, "batch");

        float[] Gates(string name) => [.. Reorder(p[name], h), .. Reorder(p[name + "_reverse"], h)];
        string x = g.Node("Transpose", ["features"], ("perm", new long[] { 1, 0, 2 }));
        string w = g.Constant("gru.W", [2, 3 * h, f], Gates("gru.weight_ih_l0"));
        string r = g.Constant("gru.R", [2, 3 * h, h], Gates("gru.weight_hh_l0"));
        string b = g.Constant(
            "gru.B",
            [2, 6 * h],
            [
                .. Reorder(p["gru.bias_ih_l0"], h),
                .. Reorder(p["gru.bias_hh_l0"], h),
                .. Reorder(p["gru.bias_ih_l0_reverse"], h),
                .. Reorder(p["gru.bias_hh_l0_reverse"], h),
            ]
        );
        string y = g.Node(
            "GRU",
            [x, w, r, b, "lengths"],
            ("hidden_size", (long)h),
            ("direction", "bidirectional"),
            ("linear_before_reset", 1L)
        );
        string yt = g.Node("Transpose", [y], ("perm", new long[] { 2, 0, 1, 3 })); // [T, 2, B, H] → [B, T, 2, H]
        string merge = g.Longs("shape.merge", [0, 0, -1]);
        string hidden = g.Node("Reshape", [yt, merge]); // [B, T, 2H]: forward then reverse, as PyTorch concatenates

        // valid[b, t] = t < length[b]: the key mask of attention and the frames that pooling averages.
        string frames = g.Node("Gather", [g.Node("Shape", ["features"]), g.Scalar("one", 1)], ("axis", 0L));
        string positions = g.Node("Range", [g.Scalar("zero", 0), frames, g.Scalar("step", 1)]);
        string lengths64 = g.Node("Cast", ["lengths"], ("to", (long)Int64));
        string lengths = g.Node("Unsqueeze", [lengths64, g.Longs("axes.1", [1])]);
        string valid = g.Node("Less", [positions, lengths]);
        string pooledInput = c.UseAttention ? Attention(g, model, hidden, valid, merge) : hidden;

        string mask = g.Node("Unsqueeze", [g.Node("Cast", [valid], ("to", (long)Float)), g.Longs("axes.2", [2])]);
        string masked = g.Node("Mul", [pooledInput, mask]);
        string sum = g.Node("ReduceSum", [masked, g.Longs("axes.pool", [1])], ("keepdims", 0L));
        string count = g.Node("Unsqueeze", [g.Node("Cast", ["lengths"], ("to", (long)Float)), g.Longs("axes.n", [1])]);
        string pooled = g.Node("Div", [sum, count]);
        string hiddenFc = g.Node("Relu", [Dense(g, pooled, model, "fc1", c.FcSize, e)]);
        g.Output(Dense(g, hiddenFc, model, "fc2", c.Classes, c.FcSize, "logits"), Float, "batch", c.Classes);
        File.WriteAllBytes(path, g.Model($"SpeechEmotion model: {c.Architecture}; input {c.InputFrontEnd()}"));
    }

    /// <summary>QKV projection, per-head scaled dot products with the key mask, softmax, context, output
    /// projection.</summary>
    private static string Attention(Graph g, SavedModel model, string x, string valid, string merge)
    {
        var c = model.Config;
        int e = c.Embed,
            dk = e / c.Heads;
        var p = model.Parameters;
        string Linear(string input, string weight, string bias, int outputs) =>
            g.Node(
                "Add",
                [
                    g.Node(
                        "MatMul",
                        [input, g.Constant(weight + ".T", [e, outputs], Transpose(p[weight], outputs, e))]
                    ),
                    g.Constant(bias, [outputs], p[bias]),
                ]
            );
        string split = g.Longs("shape.heads", [0, 0, c.Heads, dk]);
        string PerHead(string m, long[] perm) => g.Node("Transpose", [g.Node("Reshape", [m, split])], ("perm", perm));
        string qkv = Linear(x, "attention.in_proj_weight", "attention.in_proj_bias", 3 * e);
        var (q, k, v) = g.Split3(qkv, g.Longs("split", [e, e, e]));
        string qh = PerHead(q, [0, 2, 1, 3]),
            kt = PerHead(k, [0, 2, 3, 1]),
            vh = PerHead(v, [0, 2, 1, 3]);
        string scores = g.Node("Mul", [g.Node("MatMul", [qh, kt]), g.Constant("scale", [], [1f / MathF.Sqrt(dk)])]);
        string keys = g.Node("Unsqueeze", [valid, g.Longs("axes.keys", [1, 2])]); // [B, 1, 1, T]
        string masked = g.Node("Where", [keys, scores, g.Constant("minus.infinity", [], [-1e30f])]);
        string probs = g.Node("Softmax", [masked], ("axis", -1L));
        string context = g.Node("Transpose", [g.Node("MatMul", [probs, vh])], ("perm", new long[] { 0, 2, 1, 3 }));
        return Linear(g.Node("Reshape", [context, merge]), "attention.out_proj.weight", "attention.out_proj.bias", e);
    }

    private static string Dense(
        Graph g,
        string x,
        SavedModel model,
        string name,
        int outputs,
        int inputs,
        string? output = null
    ) =>
        g.Node(
            "Gemm",
            [
                x,
                g.Constant(name + ".weight", [outputs, inputs], model.Parameters[name + ".weight"]),
                g.Constant(name + ".bias", [outputs], model.Parameters[name + ".bias"]),
            ],
            output,
            ("transB", 1L)
        );

    /// <summary>PyTorch stacks a GRU's gates r, z, n; ONNX stacks z, r, h (rows of H each).</summary>
    private static float[] Reorder(float[] rzn, int hidden)
    {
        int block = rzn.Length / 3;
        return [.. rzn.AsSpan(block, block), .. rzn.AsSpan(0, block), .. rzn.AsSpan(2 * block, block)];
    }

    private static float[] Transpose(float[] m, int rows, int cols)
    {
        var t = new float[m.Length];
        for (int i = 0; i < rows; i++)
        for (int j = 0; j < cols; j++)
            t[j * rows + i] = m[i * cols + j];
        return t;
    }

    /// <summary>An ONNX graph under construction: nodes in order, initializers, inputs, outputs.</summary>
    private sealed class Graph
    {
        private readonly List<Protobuf> _nodes = [],
            _initializers = [],
            _inputs = [],
            _outputs = [];
        private int _next;

        public string Node(string op, string[] inputs, params (string Name, object Value)[] attributes) =>
            Node(op, inputs, null, attributes);

        public string Node(string op, string[] inputs, string? output, params (string Name, object Value)[] attributes)
        {
            output ??= $"{op.ToLowerInvariant()}_{_next++}";
            var node = new Protobuf();
            foreach (var i in inputs)
                node.String(1, i);
            node.String(2, output).String(3, output).String(4, op);
            foreach (var (name, value) in attributes)
                node.Message(5, Attribute(name, value));
            _nodes.Add(node);
            return output;
        }

        public (string, string, string) Split3(string x, string sizes)
        {
            string[] names = [$"split_{_next}", $"split_{_next + 1}", $"split_{_next + 2}"];
            _next += 3;
            var node = new Protobuf().String(1, x).String(1, sizes);
            foreach (var n in names)
                node.String(2, n);
            node.String(3, names[0]).String(4, "Split").Message(5, Attribute("axis", 2L));
            _nodes.Add(node);
            return (names[0], names[1], names[2]);
        }

        private static Protobuf Attribute(string name, object value)
        {
            var a = new Protobuf().String(1, name);
            return value switch
            {
                long i => a.Varint(3, i).Varint(20, 2),
                float f => a.Float(2, f).Varint(20, 1),
                string s => a.String(4, s).Varint(20, 3),
                long[] ints => ints.Aggregate(a, (m, v) => m.Varint(8, v)).Varint(20, 7),
                _ => throw new ArgumentException($"attribute {name}: unsupported value {value}"),
            };
        }

        public string Constant(string name, long[] dims, float[] data) =>
            Initializer(name, dims, Float, MemoryMarshal.AsBytes(data.AsSpan()).ToArray());

        public string Longs(string name, long[] data) =>
            Initializer(name, [data.Length], Int64, MemoryMarshal.AsBytes(data.AsSpan()).ToArray());

        public string Scalar(string name, long value) => Initializer(name, [], Int64, BitConverter.GetBytes(value));

        private string Initializer(string name, long[] dims, int type, byte[] raw)
        {
            var t = new Protobuf();
            foreach (var d in dims)
                t.Varint(1, d);
            _initializers.Add(t.Varint(2, type).String(8, name).Bytes(9, raw));
            return name;
        }

        public void Input(string name, int type, params object[] dims) => _inputs.Add(ValueInfo(name, type, dims));

        public void Output(string name, int type, params object[] dims) => _outputs.Add(ValueInfo(name, type, dims));

        private static Protobuf ValueInfo(string name, int type, object[] dims)
        {
            var shape = new Protobuf();
            foreach (var d in dims)
                shape.Message(
                    1,
                    d is string param ? new Protobuf().String(2, param) : new Protobuf().Varint(1, Convert.ToInt64(d))
                );
            var tensor = new Protobuf().Varint(1, type).Message(2, shape);
            return new Protobuf().String(1, name).Message(2, new Protobuf().Message(1, tensor));
        }

        public byte[] Model(string doc)
        {
            var graph = new Protobuf();
            foreach (var n in _nodes)
                graph.Message(1, n);
            graph.String(2, "speechemotion");
            foreach (var i in _initializers)
                graph.Message(5, i);
            graph.String(10, doc);
            foreach (var i in _inputs)
                graph.Message(11, i);
            foreach (var o in _outputs)
                graph.Message(12, o);
            return new Protobuf()
                .Varint(1, 8)
                .String(2, "SpeechEmotion.Native")
                .String(3, "0.9.0")
                .Message(7, graph)
                .Message(8, new Protobuf().String(1, "").Varint(2, 17))
                .ToArray();
        }
    }
}
