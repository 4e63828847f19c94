using DbAgent.Sql.Tests.Corpus;

namespace DbAgent.Benchmarks;

internal static class CorpusCommand
{
    public static int Run()
    {
        if (Measure.Corpora() is not { } corpora) return 1;
        var (lines, notes) = CorpusDifferential.Run(corpora);
        CorpusDifferential.Print(Console.Out, lines, notes);
        Console.WriteLine();
        foreach (var line in lines)
        {
            var meets = line.NoErrorRate >= CorpusDifferential.Bar && (line.RelationsCompared < 0 || line.RelationRate >= CorpusDifferential.Bar);
            Console.WriteLine($"{line.Corpus,-28} {(meets ? "meets" : "below")} the {CorpusDifferential.Bar:P0} bar");
        }
        Console.WriteLine($"peak working set {Measure.PeakWorkingSet()}");
        return 0;
    }
}
