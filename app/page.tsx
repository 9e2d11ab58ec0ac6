import { redirect } from 'next/navigation';

// The console has no landing page of its own yet; the thing registry is the natural start.
export default function Home(): never {
  redirect('/things');
}
