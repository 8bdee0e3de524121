const auth = require('../../utils/auth.js');
const messages = require('../../utils/messages.js');

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
    // What the user reads: a Chinese message chosen by the error's code (utils/messages.js).
    error: '',
    // The code beside it, small, for whoever debugs.
    errorCode: '',
    // Why this device logged in again: a newer login on another device had replaced its token.
    notice: ''
  },

  onLoad() {
    // Log in again once, as the default does, but tell the user on the page instead of in a toast.
    auth.setOnReplaced((error) => {
      this.setData({ notice: messages.messageFor(error) });
      return true;
    });
  },

  onUnload() {
    auth.setOnReplaced(null);
  },

  // Each handler returns its promise: the mini-program ignores it, the tests wait on it.
  onShow() {
    return auth.getToken() ? this.loadUser() : Promise.resolve();
  },

  onLogin() {
    return auth.login()
      .then((result) => this.setData({ user: result.user, error: '', errorCode: '', notice: '' }))
      .catch((error) => this.showError(error));
  },

  loadUser() {
    return auth.request({ url: '/api/user/me' })
      .then((user) => this.setData({ user: user, error: '', errorCode: '' }))
      .catch((error) => this.showError(error));
  },

  onGetPhoneNumber(e) {
    return auth.bindPhone(e)
      .then((phone) => this.setData({ phone: phone, error: '', errorCode: '' }))
      .catch((error) => this.showError(error));
  },

  onLogout() {
    return auth.logout()
      .catch((error) => this.showError(error))
      .then(() => this.setData({ user: null, phone: null, notice: '' }));
  },

  // Behind a confirmation: deletion cannot be undone.
  onDeleteAccount() {
    return confirm({
      title: '注销账号？',
      content: '你的账号及其全部数据将被删除，且无法恢复。',
      confirmText: '注销',
      confirmColor: '#e64340'
    })
      .then((confirmed) => confirmed && auth.deleteAccount()
        .then(() => this.setData({ user: null, phone: null, error: '', errorCode: '', notice: '' })))
      .catch((error) => this.showError(error));
  },

  showError(error) {
    this.setData({ error: messages.messageFor(error), errorCode: error.code });
  }
});
