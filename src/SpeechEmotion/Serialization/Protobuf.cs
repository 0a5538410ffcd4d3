using System.Text;

namespace SpeechEmotion.Serialization;

/// <summary>
/// Just enough of the protobuf wire format to write an ONNX model: varints, length-delimited fields (strings,
/// bytes, nested messages) and 32-bit floats. Messages are built bottom-up as byte arrays.
/// </summary>
internal sealed class Protobuf
{
    private readonly MemoryStream _bytes = new();

    public byte[] ToArray() => _bytes.ToArray();

    public Protobuf Varint(int field, long value)
    {
        Key(field, 0);
        Raw((ulong)value);
        return this;
    }

    public Protobuf Float(int field, float value)
    {
        Key(field, 5);
        _bytes.Write(BitConverter.GetBytes(value));
        return this;
    }

    public Protobuf Bytes(int field, ReadOnlySpan<byte> value)
    {
        Key(field, 2);
        Raw((ulong)value.Length);
        _bytes.Write(value);
        return this;
    }

    public Protobuf String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    public Protobuf Message(int field, Protobuf message) => Bytes(field, message.ToArray());

    private void Key(int field, int wireType) => Raw((ulong)(field << 3 | wireType));

    private void Raw(ulong value)
    {
        do
        {
            byte b = (byte)(value & 0x7F);
            value >>= 7;
            _bytes.WriteByte(value == 0 ? b : (byte)(b | 0x80));
        } while (value != 0);
    }
}
