// Tailwind v4 runs as a single PostCSS plugin; it finds class names in the sources by itself.
const config = {
  plugins: {
    '@tailwindcss/postcss': {},
  },
};

export default config;
