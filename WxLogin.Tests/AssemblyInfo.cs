// Fixtures run in parallel: each owns its app and its SQLite file.
[assembly: Parallelizable(ParallelScope.Fixtures)]
[assembly: LevelOfParallelism(4)]
