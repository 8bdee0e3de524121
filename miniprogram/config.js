// The one place that names the WxLogin server. Development: `dotnet run --project WxLogin.Web`
// listens on http://localhost:5000 (tick "do not verify legal domain" in WeChat DevTools).
// Phone preview: your computer's LAN address (e.g. http://192.168.1.23:5000) with the server on
// `--urls http://0.0.0.0:5000` (docs/client.md, "Preview on a phone").
// Release: an HTTPS origin listed under the mini-program's "request legal domain" (docs/client.md).
module.exports = {
  baseUrl: 'http://localhost:5000'
};
