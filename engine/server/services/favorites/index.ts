export { startFavorites, type FavoritesDeps } from "./start";
