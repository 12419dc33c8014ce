using System.Text;

namespace Encore.Web.Components.Shared;

/// <summary>
/// One naming rule for form element ids, so the error summary can link to a field and a field can
/// point at its error text: property <c>ConfirmPassword</c> is input <c>confirm-password</c>, its
/// error <c>confirm-password-error</c>.
/// </summary>
internal static class FormIds
{
    public static string Field(string propertyName)
    {
        var id = new StringBuilder(propertyName.Length + 4);
        for (var i = 0; i < propertyName.Length; i++)
        {
            var c = propertyName[i];
            if (char.IsUpper(c) && i > 0) id.Append('-');
            id.Append(char.ToLowerInvariant(c));
        }
        return id.ToString();
    }

    public static string Error(string propertyName) => Field(propertyName) + "-error";

    public static string Help(string propertyName) => Field(propertyName) + "-help";
}
