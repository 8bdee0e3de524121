const auth = require('../../utils/auth.js');

/** wx.showModal as a promise: true when the user tapped the confirm button. */
function confirm(options) {
  return new Promise((resolve) => {
    wx.showModal(Object.assign({}, options, {
      success: (res) => resolve(!!res.confirm),
      fail: () => resolve(false)
    }));
  });
}

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

  // Behind a confirmation: deletion cannot be undone.
  onDeleteAccount() {
    return confirm({
      title: 'Delete my account?',
      content: 'Your account and everything stored with it are deleted. This cannot be undone.',
      confirmText: 'Delete',
      confirmColor: '#e64340'
    })
      .then((confirmed) => confirmed && auth.deleteAccount()
        .then(() => this.setData({ user: null, phone: null, error: '' })))
      .catch((error) => this.showError(error));
  },

  showError(error) {
    this.setData({ error: error.code + (error.detail ? ': ' + error.detail : '') });
  }
});
