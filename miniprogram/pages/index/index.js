const auth = require('../../utils/auth.js');

Page({
  data: {
    user: null,
    phone: null,
    error: ''
  },

  onShow() {
    if (auth.getToken()) {
      this.loadUser();
    }
  },

  onLogin() {
    auth.login()
      .then((result) => this.setData({ user: result.user, error: '' }))
      .catch((error) => this.showError(error));
  },

  loadUser() {
    auth.request({ url: '/api/user/me' })
      .then((user) => this.setData({ user: user, error: '' }))
      .catch((error) => this.showError(error));
  },

  onGetPhoneNumber(e) {
    auth.bindPhone(e)
      .then((phone) => this.setData({ phone: phone, error: '' }))
      .catch((error) => this.showError(error));
  },

  onLogout() {
    auth.logout()
      .catch((error) => this.showError(error))
      .then(() => this.setData({ user: null, phone: null }));
  },

  showError(error) {
    this.setData({ error: error.code + (error.detail ? ': ' + error.detail : '') });
  }
});
