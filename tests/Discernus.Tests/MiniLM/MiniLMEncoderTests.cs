using Discernus.MiniLM;

namespace Discernus.Tests.MiniLM;

[Collection(MiniLMModelCollection.Name)]
public sealed class MiniLMEncoderTests(MiniLMModelFixture model)
{
    [Fact]
    public async Task WarmUp_LoadsTheModelInTheBackground_OnceForAnyNumberOfCalls()
    {
        using var encoder = new MiniLMEncoder();
        Assert.False(encoder.Loaded);

        encoder.WarmUp();
        encoder.WarmUp();
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!encoder.Loaded && waited.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(20);
        }

        Assert.True(encoder.Loaded, "the model was not loaded a minute after WarmUp");
        Assert.Equal(0, encoder.TextsEncoded);
        Assert.Single(await encoder.EmbedAsync(["The council meets on Tuesday."]));
    }

    [Fact]
    public async Task Embed_ReturnsOneUnitVectorOf384Dimensions_PerText()
    {
        var vectors = await model.Encoder.EmbedAsync(["The council meets on Tuesday.", "Prices rose again.", ""]);

        Assert.Equal(3, vectors.Length);
        Assert.All(vectors, v =>
        {
            Assert.Equal(MiniLMEncoder.Dimensions, v.Length);
            Assert.InRange(Math.Sqrt(v.Sum(x => (double)x * x)), 0.999, 1.001);
        });
    }

    [Fact]
    public async Task Embedding_DoesNotDependOnTheOtherTextsOfTheBatch()
    {
        const string sentence = "Corrupt elites have betrayed the ordinary people of this country.";
        var alone = (await model.Encoder.EmbedAsync([sentence]))[0];
        var longer = string.Join(' ', Enumerable.Repeat("A much longer sentence pads every other text of its batch.", 4));

        var inBatch = (await model.Encoder.EmbedAsync(["Short.", longer, sentence, "Another one of middling length here."]))[2];

        Assert.True(alone.Zip(inBatch).Max(p => Math.Abs(p.First - p.Second)) < 1e-5, "the vector changed with its batch");
    }

    [Fact]
    public async Task ATurnOfMixedLengths_IsSplitIntoBatches_AndEachTextGetsItsVectorAlone()
    {
        // One call with short and long texts: the encoder cuts it into batches of similar length (MiniLMBatches), and
        // which batch a text lands in must not change its vector.
        var longer = string.Join(' ', Enumerable.Repeat("The committee, after a long and heated debate, agreed on the budget.", 5));
        string[] texts = ["Short.", longer, "Prices rose again this spring.", longer + " Twice.", "No.", "The council meets on Tuesday."];
        using var encoder = new MiniLMEncoder();
        var alone = new List<float[]>();
        foreach (var text in texts)
        {
            alone.Add((await encoder.EmbedAsync([text]))[0]);
        }

        var before = encoder.BatchesRun;
        var together = await encoder.EmbedAsync(texts);

        Assert.True(encoder.BatchesRun - before > 1, "short and long texts were padded into one batch");
        for (var i = 0; i < texts.Length; i++)
        {
            Assert.True(alone[i].Zip(together[i]).Max(p => Math.Abs(p.First - p.Second)) < 1e-5, $"text {i}: the vector changed with its batch");
        }
    }

    [Fact]
    public async Task ConcurrentCalls_AreEncodedTogether_AndEachGetsTheVectorsItWouldGetAlone()
    {
        var sentences = Enumerable.Range(0, 48)
            .Select(i => $"Sentence {i} of the corpus says {(i % 3 == 0 ? "that prices rose again this spring" : i % 3 == 1 ? "nothing" : "the council, after a long and heated debate, finally agreed on the budget")}.")
            .ToArray();
        using var alone = new MiniLMEncoder();
        var expected = new List<float[]>();
        foreach (var sentence in sentences)
        {
            expected.Add((await alone.EmbedAsync([sentence]))[0]);
        }

        Assert.Equal(sentences.Length, alone.BatchesRun);

        // One document at a time from many agents, as a run of one-sentence documents calls it. The calls arrive while
        // another holds the model, as they do in a run: started on pool threads, they could instead each find the model
        // free on a loaded machine (the pool starts them one by one) and prove nothing about merging.
        // On a loaded machine the busy call can end before this thread runs again to queue the others (CI, load ~30); the
        // scenario is then tried again with a busy call twice as long, up to four times. Merging is asserted only for a
        // try whose calls were queued while the model was busy.
        MiniLMEncoder? shared = null;
        string[] busy = [];
        long loaded = 0;
        float[][]? vectors = null;
        for (var attempt = 0; attempt < 4 && vectors is null; attempt++)
        {
            shared?.Dispose();
            // One turn at a time: with a free core, each call would rightly take a turn of its own (the next test).
            shared = new MiniLMEncoder(parallelTurns: 1);
            await shared.EmbedAsync(["Load the model before the race."]);
            busy = Enumerable.Range(0, (16 << attempt) * MiniLMEncoder.BatchSize).Select(i => $"Busy sentence number {i} keeps the model at work.").ToArray();
            loaded = shared.BatchesRun;
            var encoder = shared;
            var holder = Task.Run(() => encoder.EmbedAsync(busy));
            while (shared.BatchesRun == loaded && !holder.IsCompleted)
            {
                await Task.Delay(1);
            }

            if (holder.IsCompleted)
            {
                continue;
            }

            var calls = sentences.Select(s => encoder.EmbedAsync([s])).ToArray();
            vectors = (await Task.WhenAll(calls)).Select(v => v[0]).ToArray();
            await holder;
        }

        using var merged = shared!;
        if (vectors is null)
        {
            Assert.Fail("in four tries, the busy call always ended before the others were queued");
        }

        // The busy call alone runs as many batches on a fresh encoder; what is left are the batches of the 48 calls.
        var aloneBefore = alone.BatchesRun;
        await alone.EmbedAsync(busy);
        var before = loaded + (alone.BatchesRun - aloneBefore);

        for (var i = 0; i < sentences.Length; i++)
        {
            Assert.True(expected[i].Zip(vectors[i]).Max(p => Math.Abs(p.First - p.Second)) < 1e-5, $"sentence {i}: the vector changed when encoded with others");
        }

        Assert.True(merged.BatchesRun - before < sentences.Length, $"{merged.BatchesRun - before} batches for {sentences.Length} concurrent one-text calls: nothing was encoded together");
        Assert.Equal(sentences.Length + busy.Length + 1, merged.TextsEncoded);
    }

    [Fact]
    public async Task WithTwoTurns_ACallArrivingWhileTheModelIsBusy_RunsBesideIt_WithTheVectorsOfAnotherThreadCount()
    {
        // Before, one turn of two threads ran at a time and a call arriving meanwhile waited for it; now a second turn,
        // on a thread of its own, encodes it at once. The vectors must not depend on it: each turn is single-threaded
        // here, and the package's session (ONNX Runtime's default, one thread per core) is the reference.
        string[] texts = ["The council meets on Tuesday.", "Corrupt elites have betrayed the ordinary people of this country.", "No."];
        float[][] reference;
        using (var session = new MiniLMSession(new Microsoft.ML.OnnxRuntime.SessionOptions()))
        {
            reference = session.Encode(texts);
        }

        using var encoder = new MiniLMEncoder(parallelTurns: 2);
        await encoder.EmbedAsync(["Load the model first."]);
        float[][]? beside = null;
        for (var attempt = 0; attempt < 4 && encoder.MostTurnsAtOnce < 2; attempt++)
        {
            var busy = Enumerable.Range(0, MiniLMEncoder.MaxTextsPerTurn).Select(i => $"Busy sentence number {i} of try {attempt} keeps the model at work.").ToArray();
            var loaded = encoder.BatchesRun;
            var holder = Task.Run(() => encoder.EmbedAsync(busy));
            while (encoder.BatchesRun == loaded && !holder.IsCompleted)
            {
                await Task.Delay(1);
            }

            beside = await encoder.EmbedAsync(texts);
            await holder;
        }

        Assert.Equal(2, encoder.MostTurnsAtOnce);
        for (var i = 0; i < texts.Length; i++)
        {
            Assert.True(reference[i].Zip(beside![i]).Max(p => Math.Abs(p.First - p.Second)) < 1e-6, $"text {i}: the vector of a one-thread turn differs");
        }
    }

    [Fact]
    public async Task ManyCallsRacingForSeveralTurns_AreEachEncodedOnce_AndNoneIsLost()
    {
        // Turns taking calls from the queue side by side once peeked at the same call and dequeued the one behind it:
        // that call was encoded twice and the other never, its caller waiting for ever (a 3,000-document run stalled).
        string[] sentences = [.. Enumerable.Range(0, 40).Select(i => $"Sentence {i} says that {(i % 2 == 0 ? "prices rose" : "the council met")}.")];
        using var encoder = new MiniLMEncoder(parallelTurns: 4);
        var expected = await encoder.EmbedAsync(sentences);
        var encodedBefore = encoder.TextsEncoded;
        const int calls = 600;

        var racing = Enumerable.Range(0, calls).Select(i => Task.Run(() => encoder.EmbedAsync([sentences[i % sentences.Length]]))).ToArray();
        var all = Task.WhenAll(racing);
        var finished = await Task.WhenAny(all, Task.Delay(TimeSpan.FromSeconds(120)));

        Assert.True(finished == all, $"{racing.Count(t => !t.IsCompleted)} of {calls} calls never got their vectors");
        for (var i = 0; i < calls; i++)
        {
            Assert.True(expected[i % sentences.Length].Zip((await racing[i])[0]).Max(p => Math.Abs(p.First - p.Second)) < 1e-5, $"call {i}: not its sentence's vector");
        }

        Assert.Equal(calls, encoder.TextsEncoded - encodedBefore);
    }

    [Fact]
    public void ParallelTurns_BelowOne_AreRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new MiniLMEncoder(parallelTurns: 0));

    [Fact]
    public async Task ACancelledCall_LeavesTheOthersTheirVectors()
    {
        using var encoder = new MiniLMEncoder();
        await encoder.EmbedAsync(["Load the model first."]);
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => encoder.EmbedAsync(["Never mind."], cancelled.Token));
        var vectors = await encoder.EmbedAsync(["Still here.", "And this one too."]);

        Assert.Equal(2, vectors.Length);
        Assert.All(vectors, v => Assert.Equal(MiniLMEncoder.Dimensions, v.Length));
    }

    [Fact]
    public async Task RelatedSentence_IsFarCloserToADescription_ThanAnUnrelatedOne()
    {
        var vectors = await model.Encoder.EmbedAsync(
        [
            "Anti-elitism: a domestic elite is portrayed as corrupt, self-serving and opposed to the people.",
            "The corrupt elites in the capital have betrayed ordinary people for their own profit.",
            "The budget meeting has been moved to Thursday afternoon.",
        ]);

        var related = Vectors.Dot(vectors[0], vectors[1]);
        var unrelated = Vectors.Dot(vectors[0], vectors[2]);

        Assert.True(related > 0.4, $"related similarity {related:F3}");
        Assert.True(related - unrelated > 0.3, $"related {related:F3}, unrelated {unrelated:F3}");
    }
}
