using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using WxLogin.Web.Errors;

namespace WxLogin.Tests.Infrastructure;

/// <summary>
/// Every error detail WxLogin.Web can write, read from its source with the C# compiler: the detail argument
/// of each <see cref="ApiException"/> it creates, followed through helper parameters to their call sites.
/// A filled-in value becomes {0}, {1} (the form of <see cref="ProblemTexts"/>' keys); a text passed into
/// one is listed on its own. A detail the reader cannot follow (a local, a field, a call) is reported, so a
/// new error cannot slip past the translation check.
/// </summary>
public sealed class ErrorDetailSource
{
    private readonly CSharpCompilation _compilation;
    private readonly Dictionary<IMethodSymbol, List<(ArgumentListSyntax Arguments, SemanticModel Model)>> _calls = new(SymbolEqualityComparer.Default);
    private readonly HashSet<IParameterSymbol> _followed = new(SymbolEqualityComparer.Default);

    public SortedSet<string> Texts { get; } = new(StringComparer.Ordinal);

    public List<string> Unreadable { get; } = [];

    public ErrorDetailSource()
    {
        var web = Path.Combine(RepositoryRoot(), "WxLogin.Web");
        var sources = Directory.EnumerateFiles(web, "*.cs", SearchOption.AllDirectories)
            .Where(file => !file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !file.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            // The SDK's implicit global usings, as the build wrote them.
            .Append(Directory.EnumerateFiles(Path.Combine(web, "obj"), "WxLogin.Web.GlobalUsings.g.cs", SearchOption.AllDirectories).First());
        var options = new CSharpParseOptions(LanguageVersion.Preview);
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(path => Path.GetFileNameWithoutExtension(path) != "WxLogin.Web")
            .Select(path => MetadataReference.CreateFromFile(path));
        _compilation = CSharpCompilation.Create("WxLogin.Web.Source",
            sources.Select(file => CSharpSyntaxTree.ParseText(File.ReadAllText(file), options, file)),
            references,
            new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable));

        var apiException = _compilation.GetTypeByMetadataName(typeof(ApiException).FullName!)
            ?? throw new InvalidOperationException("ApiException not found in the source.");
        var creations = new List<(BaseObjectCreationExpressionSyntax Creation, SemanticModel Model)>();
        foreach (var tree in _compilation.SyntaxTrees)
        {
            var model = _compilation.GetSemanticModel(tree);
            foreach (var node in tree.GetRoot().DescendantNodes())
            {
                if (node is InvocationExpressionSyntax invocation && model.GetSymbolInfo(invocation).Symbol is IMethodSymbol method)
                {
                    CallsOf(method).Add((invocation.ArgumentList, model));
                }
                else if (node is BaseObjectCreationExpressionSyntax creation)
                {
                    creations.Add((creation, model));
                }
            }
        }
        foreach (var (creation, model) in creations)
        {
            var constructor = model.GetSymbolInfo(creation).Symbol as IMethodSymbol;
            if (constructor is null && creation.ToString().Contains("ErrorCodes.", StringComparison.Ordinal))
            {
                Unreadable.Add($"{Where(creation)}: cannot tell what this creates");
            }
            else if (SymbolEqualityComparer.Default.Equals(constructor?.ContainingType, apiException))
            {
                var detail = constructor!.Parameters.Single(parameter => parameter.Name == "detail");
                foreach (var text in ArgumentTexts(creation.ArgumentList!, detail, model))
                {
                    Texts.Add(text);
                }
            }
        }
    }

    private List<(ArgumentListSyntax, SemanticModel)> CallsOf(IMethodSymbol method)
    {
        var key = method.OriginalDefinition;
        return _calls.TryGetValue(key, out var calls) ? calls : _calls[key] = [];
    }

    /// <summary>The texts an argument list gives a parameter: its argument, or the parameter's default when none is given.</summary>
    private IEnumerable<string> ArgumentTexts(ArgumentListSyntax arguments, IParameterSymbol parameter, SemanticModel model)
    {
        var argument = arguments.Arguments.FirstOrDefault(a => a.NameColon?.Name.Identifier.ValueText == parameter.Name)
            ?? arguments.Arguments.Where(a => a.NameColon is null).ElementAtOrDefault(parameter.Ordinal);
        if (argument is not null)
        {
            return TextsOf(argument.Expression, model);
        }
        return parameter is { HasExplicitDefaultValue: true, ExplicitDefaultValue: string text } ? [text] : [];
    }

    private IEnumerable<string> TextsOf(ExpressionSyntax expression, SemanticModel model)
    {
        switch (expression)
        {
            case LiteralExpressionSyntax literal when literal.IsKind(SyntaxKind.StringLiteralExpression):
                return [literal.Token.ValueText];
            case InterpolatedStringExpressionSyntax interpolated:
                var template = new System.Text.StringBuilder();
                var hole = 0;
                foreach (var content in interpolated.Contents)
                {
                    if (content is InterpolatedStringTextSyntax text)
                    {
                        template.Append(text.TextToken.ValueText);
                    }
                    else if (content is InterpolationSyntax value)
                    {
                        template.Append('{').Append(hole++).Append('}');
                        if (model.GetSymbolInfo(value.Expression).Symbol is IParameterSymbol parameter)
                        {
                            // A text handed in from elsewhere is translated on its own.
                            foreach (var passed in FollowParameter(parameter))
                            {
                                Texts.Add(passed);
                            }
                        }
                    }
                }
                return [template.ToString()];
            case ParenthesizedExpressionSyntax parenthesized:
                return TextsOf(parenthesized.Expression, model);
            case ConditionalExpressionSyntax conditional:
                return [.. TextsOf(conditional.WhenTrue, model), .. TextsOf(conditional.WhenFalse, model)];
            case BinaryExpressionSyntax concatenation when concatenation.IsKind(SyntaxKind.AddExpression):
                var rights = TextsOf(concatenation.Right, model).ToList();
                return [.. TextsOf(concatenation.Left, model).SelectMany(left => rights.Select(right => left + right))];
            case IdentifierNameSyntax name when model.GetSymbolInfo(name).Symbol is IParameterSymbol parameter:
                return FollowParameter(parameter);
            default:
                if (model.GetConstantValue(expression) is { HasValue: true, Value: string constant })
                {
                    return [constant];
                }
                Unreadable.Add($"{Where(expression)}: a detail the test cannot read ({expression})");
                return [];
        }
    }

    /// <summary>Every text any caller passes for the parameter (each parameter followed once).</summary>
    private IEnumerable<string> FollowParameter(IParameterSymbol parameter)
    {
        if (!_followed.Add(parameter) || parameter.ContainingSymbol is not IMethodSymbol method)
        {
            return [];
        }
        var texts = new List<string>();
        foreach (var (arguments, model) in CallsOf(method))
        {
            texts.AddRange(ArgumentTexts(arguments, parameter, model));
        }
        if (texts.Count == 0 && parameter.HasExplicitDefaultValue && parameter.ExplicitDefaultValue is string text)
        {
            texts.Add(text);
        }
        return texts;
    }

    private static string Where(SyntaxNode node)
    {
        var line = node.GetLocation().GetLineSpan();
        return $"{Path.GetFileName(line.Path)}:{line.StartLinePosition.Line + 1}";
    }

    private static string RepositoryRoot()
    {
        var folder = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "WxLogin.sln")))
        {
            folder = folder.Parent;
        }
        return folder?.FullName ?? throw new InvalidOperationException("WxLogin.sln not found above the test folder.");
    }
}
