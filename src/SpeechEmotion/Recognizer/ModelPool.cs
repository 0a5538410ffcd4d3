using System.Collections.Concurrent;
using SpeechEmotion.Engine;
using SpeechEmotion.Engine.Cpu;
using SpeechEmotion.Model;
using SpeechEmotion.Serialization;

namespace SpeechEmotion;

/// <summary>
/// Instances of one saved model for concurrent inference. A model instance keeps per-call activations, so each
/// concurrent call rents its own: on the CPU the pool grows to the number of callers at once (weights are copied
/// once per instance, never per call); a GPU backend has one instance and calls take turns.
/// </summary>
internal sealed class ModelPool(SavedModel saved, IBackend<float> backend) : IDisposable
{
    private readonly ConcurrentBag<Instance> _free = [];
    private readonly List<Instance> _all = [];
    private readonly SemaphoreSlim? _gate = backend is CpuBackend<float> ? null : new SemaphoreSlim(1);

    public sealed class Instance(SerModel<float> model) : IDisposable
    {
        public SerModel<float> Model { get; } = model;
        public Workspace<float> Workspace { get; } = new(model.Backend);

        public void Dispose()
        {
            Workspace.Dispose();
            Model.Dispose();
        }
    }

    public T Use<T>(Func<Instance, T> body)
    {
        _gate?.Wait();
        try
        {
            if (!_free.TryTake(out var instance))
            {
                instance = new Instance(saved.Instantiate(backend));
                lock (_all)
                    _all.Add(instance);
            }
            try
            {
                return body(instance);
            }
            finally
            {
                _free.Add(instance);
            }
        }
        finally
        {
            _gate?.Release();
        }
    }

    public void Dispose()
    {
        lock (_all)
            foreach (var instance in _all)
                instance.Dispose();
        _gate?.Dispose();
    }
}
