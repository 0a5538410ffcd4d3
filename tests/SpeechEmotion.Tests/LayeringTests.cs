using System.Collections.Immutable;
using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace SpeechEmotion.Tests;

/// <summary>
/// The library's layers (../shared/DESIGN.md): each namespace uses only those before it — Audio and Data, Features,
/// Corpora, Engine, Model with Serialization, Training, Evaluation with Benchmarking, then the recognizer API
/// (SpeechEmotion); the kernels project at Engine's level. Read from the compiled assemblies: every type's
/// signatures and every method body's type, method and field references, generic arguments included.
/// </summary>
public class LayeringTests
{
    private static readonly Dictionary<string, int> Layers = new()
    {
        ["SpeechEmotion.Audio"] = 0,
        ["SpeechEmotion.Data"] = 0,
        ["SpeechEmotion.Features"] = 1,
        ["SpeechEmotion.Corpora"] = 2,
        ["SpeechEmotion.Engine"] = 3,
        ["SpeechEmotion.Engine.Cpu"] = 3,
        ["SpeechEmotion.Engine.Ops"] = 3,
        ["SpeechEmotion.Model"] = 4,
        ["SpeechEmotion.Serialization"] = 4,
        ["SpeechEmotion.Training"] = 5,
        ["SpeechEmotion.Evaluation"] = 6,
        ["SpeechEmotion.Benchmarking"] = 6,
        ["SpeechEmotion"] = 7,
        // The GPU backend implements Engine's interface and uses nothing above it.
        ["SpeechEmotion.Kernels"] = 3,
    };

    private static IEnumerable<string> Assemblies =>
        [typeof(EmotionRecognizer).Assembly.Location, typeof(SpeechEmotion.Kernels.Backends).Assembly.Location];

    [TestCaseSource(nameof(Assemblies))]
    public void No_namespace_uses_a_layer_above_it(string assembly)
    {
        using var pe = new PEReader(File.OpenRead(assembly));
        var md = pe.GetMetadataReader();
        var namespaces = new NamespaceCollector(md);
        var violations = new SortedSet<string>();
        foreach (var handle in md.TypeDefinitions)
        {
            string from = namespaces.Of(handle);
            if (!Layers.TryGetValue(from, out int level))
                continue; // compiler-generated helpers
            var used = new HashSet<string>();
            var type = md.GetTypeDefinition(handle);
            if (!type.BaseType.IsNil)
                used.UnionWith(namespaces.Of(type.BaseType));
            foreach (var field in type.GetFields())
                used.UnionWith(md.GetFieldDefinition(field).DecodeSignature(namespaces, null));
            foreach (var methodHandle in type.GetMethods())
            {
                var method = md.GetMethodDefinition(methodHandle);
                var signature = method.DecodeSignature(namespaces, null);
                used.UnionWith(signature.ReturnType);
                foreach (var p in signature.ParameterTypes)
                    used.UnionWith(p);
                if (method.RelativeVirtualAddress != 0)
                    foreach (var token in Tokens(pe.GetMethodBody(method.RelativeVirtualAddress).GetILBytes() ?? []))
                        used.UnionWith(namespaces.Of(MetadataTokens.EntityHandle(token)));
            }
            foreach (var ns in used)
                if (Layers.TryGetValue(ns, out int other) && other > level)
                    violations.Add($"{from} ({md.GetString(type.Name)}) uses {ns}");
        }
        Assert.That(violations, Is.Empty, string.Join("\n", violations));
    }

    /// <summary>The metadata tokens an IL body names (fields, methods, types), by walking its opcodes.</summary>
    private static IEnumerable<int> Tokens(byte[] il)
    {
        for (int i = 0; i < il.Length; )
        {
            var op = il[i] == 0xFE ? TwoByte[il[i + 1]] : OneByte[il[i]];
            i += op.Size;
            switch (op.OperandType)
            {
                case OperandType.InlineField
                or OperandType.InlineMethod
                or OperandType.InlineTok
                or OperandType.InlineType:
                    yield return BitConverter.ToInt32(il, i);
                    i += 4;
                    break;
                case OperandType.InlineSwitch:
                    i += 4 + 4 * BitConverter.ToInt32(il, i);
                    break;
                default:
                    i += op.OperandType switch
                    {
                        OperandType.InlineNone => 0,
                        OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                        OperandType.InlineVar => 2,
                        OperandType.InlineI8 or OperandType.InlineR => 8,
                        _ => 4,
                    };
                    break;
            }
        }
    }

    private static readonly OpCode[] AllOpCodes = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToArray();
    private static readonly Dictionary<byte, OpCode> OneByte = AllOpCodes
        .Where(o => o.Size == 1)
        .ToDictionary(o => (byte)o.Value);
    private static readonly Dictionary<byte, OpCode> TwoByte = AllOpCodes
        .Where(o => o.Size == 2)
        .ToDictionary(o => (byte)(o.Value & 0xFF));

    /// <summary>The namespaces a handle or signature names; a signature type is the set of its parts'
    /// namespaces.</summary>
    private sealed class NamespaceCollector(MetadataReader md)
        : ISignatureTypeProvider<ImmutableHashSet<string>, object?>
    {
        private static readonly ImmutableHashSet<string> None = [];

        public string Of(TypeDefinitionHandle handle)
        {
            var type = md.GetTypeDefinition(handle);
            return type.GetDeclaringType() is { IsNil: false } outer ? Of(outer) : md.GetString(type.Namespace);
        }

        public ImmutableHashSet<string> Of(EntityHandle handle) =>
            handle.Kind switch
            {
                HandleKind.TypeDefinition => [Of((TypeDefinitionHandle)handle)],
                HandleKind.TypeReference => [Reference((TypeReferenceHandle)handle)],
                HandleKind.TypeSpecification => md.GetTypeSpecification((TypeSpecificationHandle)handle)
                    .DecodeSignature(this, null),
                HandleKind.MethodDefinition =>
                [
                    Of(md.GetMethodDefinition((MethodDefinitionHandle)handle).GetDeclaringType()),
                ],
                HandleKind.FieldDefinition =>
                [
                    Of(md.GetFieldDefinition((FieldDefinitionHandle)handle).GetDeclaringType()),
                ],
                HandleKind.MemberReference => Of(md.GetMemberReference((MemberReferenceHandle)handle).Parent),
                HandleKind.MethodSpecification => Of(
                        md.GetMethodSpecification((MethodSpecificationHandle)handle).Method
                    )
                    .Union(
                        md.GetMethodSpecification((MethodSpecificationHandle)handle)
                            .DecodeSignature(this, null)
                            .SelectMany(s => s)
                    ),
                _ => None,
            };

        private string Reference(TypeReferenceHandle handle)
        {
            var type = md.GetTypeReference(handle);
            return type.ResolutionScope.Kind == HandleKind.TypeReference
                ? Reference((TypeReferenceHandle)type.ResolutionScope)
                : md.GetString(type.Namespace);
        }

        public ImmutableHashSet<string> GetTypeFromDefinition(
            MetadataReader reader,
            TypeDefinitionHandle handle,
            byte rawTypeKind
        ) => [Of(handle)];

        public ImmutableHashSet<string> GetTypeFromReference(
            MetadataReader reader,
            TypeReferenceHandle handle,
            byte rawTypeKind
        ) => [Reference(handle)];

        public ImmutableHashSet<string> GetTypeFromSpecification(
            MetadataReader reader,
            object? context,
            TypeSpecificationHandle handle,
            byte rawTypeKind
        ) => Of(handle);

        public ImmutableHashSet<string> GetGenericInstantiation(
            ImmutableHashSet<string> generic,
            ImmutableArray<ImmutableHashSet<string>> arguments
        ) => arguments.Aggregate(generic, (a, b) => a.Union(b));

        public ImmutableHashSet<string> GetArrayType(ImmutableHashSet<string> element, ArrayShape shape) => element;

        public ImmutableHashSet<string> GetSZArrayType(ImmutableHashSet<string> element) => element;

        public ImmutableHashSet<string> GetByReferenceType(ImmutableHashSet<string> element) => element;

        public ImmutableHashSet<string> GetPointerType(ImmutableHashSet<string> element) => element;

        public ImmutableHashSet<string> GetPinnedType(ImmutableHashSet<string> element) => element;

        public ImmutableHashSet<string> GetModifiedType(
            ImmutableHashSet<string> modifier,
            ImmutableHashSet<string> unmodified,
            bool isRequired
        ) => unmodified;

        public ImmutableHashSet<string> GetFunctionPointerType(MethodSignature<ImmutableHashSet<string>> signature) =>
            signature.ParameterTypes.Aggregate(signature.ReturnType, (a, b) => a.Union(b));

        public ImmutableHashSet<string> GetGenericMethodParameter(object? context, int index) => None;

        public ImmutableHashSet<string> GetGenericTypeParameter(object? context, int index) => None;

        public ImmutableHashSet<string> GetPrimitiveType(PrimitiveTypeCode typeCode) => None;
    }
}
