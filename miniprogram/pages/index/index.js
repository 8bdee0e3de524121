const auth = require('../../utils/auth.js');

Page({
  data: {
    user: null,
    phone: null,
    error: ''
  },

  // Each handler returns its promise: the mini-program ignores it, the tests wait on it.
  onShow() {
    return auth.getToken() ? this.loadUser() : Promise.resolve();
  },

  onLogin() {
    return auth.login()
      .then((result) => this.setData({ user: result.user, error: '' }))
      .catch((error) => this.showError(error));
  },

  loadUser() {
    return auth.request({ url: '/api/user/me' })
      .then((user) => this.setData({ user: user, error: '' }))
      .catch((error) => this.showError(error));
  },

  onGetPhoneNumber(e) {
    return auth.bindPhone(e)
      .then((phone) => this.setData({ phone: phone, error: '' }))
      .catch((error) => this.showError(error));
  },

  onLogout() {
    return auth.logout()
      .catch((error) => this.showError(error))
      .then(() => this.setData({ user: null, phone: null }));
  },

  showError(error) {
    this.setData({ error: error.code + (error.detail ? ': ' + error.detail : '') });
  }
});
