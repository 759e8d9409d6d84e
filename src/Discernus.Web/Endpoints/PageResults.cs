using Discernus.Web.Pages;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Discernus.Web.Endpoints;

/// <summary>Server-rendered pages as endpoint results (Razor components, static rendering).</summary>
internal static class PageResults
{
    public static IResult Page<TComponent>(object parameters, int status = StatusCodes.Status200OK)
        where TComponent : IComponent =>
        new RazorComponentResult<TComponent>(parameters) { StatusCode = status };

    public static IResult NotFound(string message) =>
        Page<ProblemPage>(new { Title = "Not found", Message = message }, StatusCodes.Status404NotFound);

    public static IResult Problem(string title, string message, int status) =>
        Page<ProblemPage>(new { Title = title, Message = message }, status);
}
