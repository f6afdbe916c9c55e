// What every view of the dashboard offers the shell: an element, a refresh at most once a second, a route.

export interface View {
  readonly el: HTMLElement;
  /** Fetches and redraws; called when shown and then at most once per second while visible. */
  refresh(): Promise<void>;
  /** The part of the route after the view's name (e.g. a peer id), or undefined. */
  route?(param: string | undefined): void;
  /** Called when another view is shown. */
  hide?(): void;
}

export interface ViewSpec {
  name: string;
  title: string;
  create: () => View;
}
