// Per-user GUI options, as Velociraptor's user_options() reads and sets them: theme, timezone,
// lang, org and links (a list of {type, text, url, icon_url, new_tab, encode, parameter, method,
// disabled}). A user reads and changes their own; another user's needs SERVER_ADMIN. Talon does
// not keep `default_password` (it writes no encrypted zips): it reads as "" and setting it is refused.
import type { Principal } from "./common";

export interface GuiLink {
  type: string;
  text: string;
  url: string;
  icon_url: string;
  new_tab: boolean;
  encode: string;
  parameter: string;
  method: string;
  disabled: boolean;
}

export interface UserOptions {
  theme: string;
  timezone: string;
  lang: string;
  org: string;
  links: GuiLink[];
  default_password: string;
}

export type UserOptionsChange = Partial<Omit<UserOptions, "links">> & { links?: Array<Partial<GuiLink>> };

export interface UserOptionsService {
  get(actor: Principal, username: string): Promise<UserOptions>;
  /** Sets the options given (empty strings leave an option as it is, as in Velociraptor); the options after. */
  set(actor: Principal, username: string, change: UserOptionsChange): Promise<UserOptions>;
}
