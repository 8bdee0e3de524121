// The one place that names the WxLogin server. Development: `dotnet run --project WxLogin.Web`
// listens on http://localhost:5000 (tick "do not verify legal domain" in WeChat DevTools).
// Release: an HTTPS origin listed under the mini-program's "request legal domain" (README).
module.exports = {
  baseUrl: 'http://localhost:5000'
};
