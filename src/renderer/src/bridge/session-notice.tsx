/** Browser mode without the run's token: the one thing that helps is the URL the terminal printed. */
export function SessionNotice() {
  return (
    <div className="empty-state" role="alert">
      <strong>Open Ideogram Studio from its link</strong>
      This page needs the link that <code>npm run start:web</code> printed in the terminal: it carries this
      run&apos;s access token, which this tab keeps to itself.
    </div>
  );
}
