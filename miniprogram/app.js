// No login here: pages call utils/auth.js, which logs in on the first request and shares that
// login with every other caller, so app launch and the first page never log in twice.
App({});
