/** apache-md5 ships no types: it hashes a password as Apache's `$apr1$`, with the salt taken from `salt` when given. */
declare module "apache-md5" {
  export default function apacheMd5(password: string, salt?: string): string;
}
