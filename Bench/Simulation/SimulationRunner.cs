using Akka.Actor;
using Akka.Configuration;
using Akka.Streams;
using Akka.TestKit;
using QwenVL.Actors.Messages;
using QwenVL.Actors;
using QwenVL.Bench.CostModel;
using QwenVL.Runtime.Execution;
using QwenVL.Runtime.Scheduling;

namespace QwenVL.Bench.Simulation;

/// <summary>
/// Runs the real request, scheduler and engine actors over a modelled executor on Akka's TestScheduler: virtual time
/// jumps from event to event (the next arrival, the end of the step in flight, the next cancellation), and between
/// jumps the driver waits — in real time, briefly — for the actors to settle, so minutes of serving run in seconds and
/// every timestamp is virtual. Arrivals are started through the replica's own completion service, as the HTTP edge does,
/// after their modelled preparation (<see cref="RequestCost"/>): a request arrives, its client's clock starts, and it
/// reaches the service that much virtual time later.
/// </summary>
public sealed class SimulationRunner
{
    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(30);

    private static readonly Config VirtualTime = ConfigurationFactory.ParseString("""
        akka.scheduler.implementation = "Akka.TestKit.TestScheduler, Akka.TestKit"
        akka.loglevel = WARNING
        akka.stdout-loglevel = WARNING
        """);

    private readonly IModelExecutor _executor;
    private readonly IModelledStepDuration _durations;
    private readonly RequestServices _services;
    private readonly SchedulerConfig _config;
    private readonly Func<SimulatedArrival, TimeSpan> _preparation;

    /// <param name="executor">an executor whose steps are modelled (<see cref="IModelledStepDuration"/>), KV cache allocated</param>
    /// <param name="preparation">how long a request takes to reach the service after it arrives; null: no time</param>
    public SimulationRunner(IModelExecutor executor, RequestServices services, SchedulerConfig config, Func<SimulatedArrival, TimeSpan>? preparation = null)
    {
        _durations = executor as IModelledStepDuration
            ?? throw new ArgumentException("the simulation needs an executor whose step durations are modelled", nameof(executor));
        _executor = executor;
        _services = services;
        _config = config;
        _preparation = preparation ?? (_ => TimeSpan.Zero);
    }

    public async Task<SimulationResult> RunAsync(IReadOnlyList<SimulatedArrival> arrivals, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(arrivals);
        var observer = new SimulationObserver(_config.MaxNumBatchedTokens, _config.MaxNumSeqs);
        var akkaConfig = VirtualTime.WithFallback(ConfigurationFactory.ParseString(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "config", "akka.hocon"))));
        using var system = ActorSystem.Create("simulation", akkaConfig);
        var clock = (TestScheduler)system.Scheduler;
        var replica = Replica.Start(system, _executor, new ReplicaOptions(_config), _services, new ReplicaHooks(observer, _durations));
        var driver = new Driver(clock, observer, replica.Completions, arrivals, _preparation, cancellationToken);
        var (start, end) = await driver.RunAsync();
        var status = await replica.Scheduler.Ask<ReplicaStatus>(GetReplicaStatus.Instance, TimeSpan.FromSeconds(10), cancellationToken);
        await system.Terminate();
        return new SimulationResult(arrivals, observer, driver.Endings, start, end, status, _config);
    }

    /// <summary>The event loop: jump to the next event, start what arrives, cancel what gives up, wait for the actors.</summary>
    private sealed class Driver(TestScheduler clock, SimulationObserver observer, ICompletionService service,
        IReadOnlyList<SimulatedArrival> arrivals, Func<SimulatedArrival, TimeSpan> preparation, CancellationToken cancellationToken)
    {
        private readonly List<Task> _consumers = [];
        private readonly SortedList<DateTimeOffset, List<CancellationTokenSource>> _cancellations = [];
        private readonly SortedList<DateTimeOffset, List<(int Index, CancellationTokenSource Cancel)>> _prepared = [];
        private readonly DateTimeOffset _start = clock.Now;
        private int _next, _started, _endedUnsubmitted;

        public RequestEnding[] Endings { get; private set; } = [];

        public async Task<(DateTimeOffset Start, DateTimeOffset End)> RunAsync()
        {
            Endings = new RequestEnding[arrivals.Count];
            long mustComplete = 0;
            while (true)
            {
                var nextDue = await SettleAsync(mustComplete);
                var next = NextEvent(nextDue);
                if (next == null) break;
                mustComplete = nextDue != null && next.Value >= nextDue.Value ? observer.LastSentStep : 0;
                if (next.Value > clock.Now) clock.AdvanceTo(next.Value);
                TakeArrivals();
                FireCancellations();
                StartPrepared();
            }
            var end = clock.Now;
            try
            {
                await Task.WhenAll(_consumers).WaitAsync(SettleTimeout, cancellationToken);
            }
            catch (TimeoutException)
            {
                int open = _consumers.Count(c => !c.IsCompleted);
                throw new TimeoutException($"{open} of {_consumers.Count} request streams did not end after the last event: {observer.Describe()}");
            }
            return (_start, end);
        }

        private DateTimeOffset? NextEvent(DateTimeOffset? nextDue)
        {
            DateTimeOffset? next = nextDue;
            if (_next < arrivals.Count) next = Earliest(next, _start + TimeSpan.FromSeconds(arrivals[_next].AtSeconds));
            if (_cancellations.Count > 0) next = Earliest(next, _cancellations.Keys[0]);
            if (_prepared.Count > 0) next = Earliest(next, _prepared.Keys[0]);
            return next;
        }

        private static DateTimeOffset? Earliest(DateTimeOffset? a, DateTimeOffset b) => a == null || b < a ? b : a;

        /// <summary>Arrivals due by now: their clocks start, their cancellations are set, their preparation begins.</summary>
        private void TakeArrivals()
        {
            while (_next < arrivals.Count && _start + TimeSpan.FromSeconds(arrivals[_next].AtSeconds) <= clock.Now)
            {
                int index = _next++;
                var arrival = arrivals[index];
                observer.Arrived(index, clock.Now);
                var cancel = new CancellationTokenSource();
                if (arrival.CancelAfterSeconds is double after)
                {
                    var at = clock.Now + TimeSpan.FromSeconds(after);
                    if (!_cancellations.TryGetValue(at, out var list)) _cancellations[at] = list = [];
                    list.Add(cancel);
                }
                var ready = clock.Now + preparation(arrival);
                if (!_prepared.TryGetValue(ready, out var waiting)) _prepared[ready] = waiting = [];
                waiting.Add((index, cancel));
            }
        }

        /// <summary>Requests whose preparation is over reach the service, in arrival order among equals.</summary>
        private void StartPrepared()
        {
            while (_prepared.Count > 0 && _prepared.Keys[0] <= clock.Now)
            {
                foreach (var (index, cancel) in _prepared.Values[0])
                {
                    _started++;
                    _consumers.Add(ConsumeAsync(index, arrivals[index].Request, cancel));
                }
                _prepared.RemoveAt(0);
            }
        }

        private void FireCancellations()
        {
            while (_cancellations.Count > 0 && _cancellations.Keys[0] <= clock.Now)
            {
                foreach (var source in _cancellations.Values[0]) source.Cancel();
                _cancellations.RemoveAt(0);
            }
        }

        private async Task ConsumeAsync(int index, GenerateRequest request, CancellationTokenSource cancel)
        {
            try
            {
                await foreach (var e in service.GenerateAsync(request, cancel.Token))
                    if (e is CompletionFinished or CompletionFailed) Endings[index] = new RequestEnding(e, clock.Now);
            }
            catch (OperationCanceledException)
            {
                // Ended below: a cancelled enumeration may also just stop.
            }
            if (Endings[index] == null)
                Endings[index] = cancel.IsCancellationRequested
                    ? new RequestEnding(null, clock.Now)
                    : new RequestEnding(new CompletionFailed(FailureKind.Internal, "the stream ended without a final event"), clock.Now);
            // A request that ended before the scheduler saw it (refused input, a client that gave up early) is accounted for.
            if (!observer.WasSubmitted(index)) Interlocked.Increment(ref _endedUnsubmitted);
        }

        /// <summary>Waits until every arrival reached the scheduler (or ended) and the step in flight has a known end.</summary>
        private async Task<DateTimeOffset?> SettleAsync(long mustComplete)
        {
            var deadline = DateTime.UtcNow + SettleTimeout;
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                bool arrived = observer.Submissions + Volatile.Read(ref _endedUnsubmitted) >= _started;
                if (arrived && observer.IsSettled(mustComplete, out var nextDue)) return nextDue;
                if (DateTime.UtcNow > deadline)
                    throw new TimeoutException($"the simulation did not settle at {(clock.Now - _start).TotalSeconds:F3} s of virtual time "
                        + $"(now {clock.Now:HH:mm:ss.fff}): {_next} arrivals, {_started} started, {_endedUnsubmitted} ended before submission; {observer.Describe()}; "
                        + $"waiting for step {mustComplete}");
                await Task.Delay(TimeSpan.FromMilliseconds(0.2), cancellationToken);
            }
        }
    }
}

/// <summary>How a simulated request ended, at what virtual time: its last event, or null when its client gave up.</summary>
public sealed record RequestEnding(CompletionEvent? Event, DateTimeOffset At);
